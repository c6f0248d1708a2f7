/// Per-sample shape of an activation: channels x height x width. A feature vector is (F, 1, 1).
public struct Shape: Equatable, Sendable, CustomStringConvertible {
    public var c: Int, h: Int, w: Int
    public init(_ c: Int, _ h: Int = 1, _ w: Int = 1) { self.c = c; self.h = h; self.w = w }
    public var size: Int { c * h * w }
    public var plane: Int { h * w }
    public var description: String { h == 1 && w == 1 ? "[\(c)]" : "[\(c), \(h), \(w)]" }
    public var array: [Int] { h == 1 && w == 1 ? [c] : [c, h, w] }
}

/// A batch of activations in one flat buffer.
///
/// Layout. Up to `flatten`, activations are channel-major with the batch inside,
/// `[C][N][H][W]` ("CNHW"): a convolution is then one GEMM over the whole batch,
/// W[Cout, K] x cols[K, N*H*W] = y[Cout, N*H*W], with no transposes, and batch norm reads
/// each channel as one contiguous run. After `flatten`, vectors are sample-major `[N][F]`.
/// The buffer only grows, so steady-state training allocates nothing.
public final class Tensor {
    public var data: [Float] = []
    public private(set) var batch = 0
    public private(set) var shape = Shape(0)

    public init() {}

    public init(batch: Int, shape: Shape, data: [Float]) {
        precondition(data.count == batch * shape.size)
        self.batch = batch; self.shape = shape; self.data = data
    }

    public var count: Int { batch * shape.size }

    /// Sets the logical size; contents are unspecified (callers overwrite them).
    func resize(batch: Int, shape: Shape) {
        self.batch = batch; self.shape = shape
        if data.count < batch * shape.size { data = [Float](repeating: 0, count: batch * shape.size) }
    }

    /// The logical contents (the buffer may be longer).
    public var values: [Float] { Array(data[0..<count]) }
}

/// A trainable tensor and its gradient.
public final class Parameter {
    public let name: String
    public let shape: [Int]
    public var value: [Float]
    public var grad: [Float]
    /// Weight decay applies to weights, not to biases or batch-norm parameters.
    public let decays: Bool

    init(name: String, shape: [Int], value: [Float], decays: Bool) {
        precondition(value.count == shape.reduce(1, *))
        self.name = name; self.shape = shape; self.value = value; self.decays = decays
        self.grad = [Float](repeating: 0, count: value.count)
    }
}
