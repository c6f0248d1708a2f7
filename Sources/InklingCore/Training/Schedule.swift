import Foundation

/// Learning rate as a function of training progress: linear warm-up, then cosine decay to
/// `floor * peak`. Warm-up steadies Adam's first steps; cosine decay gives the last epochs
/// small steps, which is where the final tenths of a percent come from.
public struct LearningRateSchedule: Sendable, CustomStringConvertible {
    public var peak: Float
    public var warmupFraction: Float = 0.03
    public var floor: Float = 0.01
    /// Constant schedule (used by benchmarks that mimic the peers' fixed-lr SGD).
    public var constant = false

    public init(peak: Float, constant: Bool = false) { self.peak = peak; self.constant = constant }

    /// `progress` in [0, 1): fraction of all training steps done.
    public func rate(at progress: Double) -> Float {
        if constant { return peak }
        let p = Float(progress)
        if p < warmupFraction { return peak * (p + 1e-3) / warmupFraction }
        let q = (p - warmupFraction) / (1 - warmupFraction)
        return peak * (floor + (1 - floor) * 0.5 * (1 + cos(Float.pi * q)))
    }

    public var description: String {
        constant ? "constant(\(peak))" : "warmup(\(warmupFraction)) + cosine(peak: \(peak), floor: \(floor))"
    }
}
