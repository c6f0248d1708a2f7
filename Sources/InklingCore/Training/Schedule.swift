import Foundation

/// Learning rate as a function of training progress: linear warm-up, then cosine decay to
/// `floor * peak`. Warm-up steadies Adam's first steps; cosine decay gives the last epochs
/// small steps, which is where the final tenths of a percent come from.
public struct LearningRateSchedule: Sendable, CustomStringConvertible {
    public var peak: Float
    public var warmupFraction: Float = 0.03
    public var floor: Float = 0.01
    /// The first step's rate, as a fraction of the peak (a zero rate would waste the step).
    public var warmupStart: Float = 0.033
    /// Constant schedule (used by benchmarks that mimic the peers' fixed-lr SGD).
    public var constant = false

    public init(peak: Float, constant: Bool = false) { self.peak = peak; self.constant = constant }

    /// `progress` in [0, 1): fraction of all training steps done.
    ///
    /// Warm-up rises linearly from peak * warmupStart to the peak at `warmupFraction`, where
    /// the cosine starts at exactly the peak: the rate is continuous and never above the peak.
    public func rate(at progress: Double) -> Float {
        if constant { return peak }
        let p = min(max(Float(progress), 0), 1)
        if p < warmupFraction {
            let ramp = p / warmupFraction  // 0 ..< 1
            return peak * (warmupStart + (1 - warmupStart) * ramp)
        }
        let q = (p - warmupFraction) / (1 - warmupFraction)
        return peak * (floor + (1 - floor) * 0.5 * (1 + cos(Float.pi * q)))
    }

    public var description: String {
        constant ? "constant(\(peak))" : "warmup(\(warmupFraction)) + cosine(peak: \(peak), floor: \(floor))"
    }
}
