/// A reusable flat Float buffer: grows when a bigger batch arrives, never shrinks, so the
/// training loop allocates nothing per step.
struct Buffer {
    private(set) var storage: [Float] = []

    mutating func ensure(_ count: Int) {
        if storage.count < count { storage = [Float](repeating: 0, count: count) }
    }

    var pointer: UnsafeMutablePointer<Float> {
        mutating get { storage.withUnsafeMutableBufferPointer { $0.baseAddress! } }
    }
}
