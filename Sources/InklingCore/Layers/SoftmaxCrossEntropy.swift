import Foundation

/// Softmax + cross-entropy loss, fused for numerical stability.
///
/// logits: [N][K], labels: [N]  ->  loss = mean_n -log softmax(logits_n)[label_n]
/// dlogits[n][k] = (softmax(logits_n)[k] - [k == label_n]) / N
///
/// -log softmax(z)[y] is computed as log(sum_k exp(z_k - m)) - (z_y - m), m = max_k z_k, never
/// as -log(exp(z_y - m) / sum): for a very wrong logit exp(z_y - m) underflows to 0 and the
/// loss would be +inf instead of the large finite value it is.
public enum SoftmaxCrossEntropy {
    public struct Result {
        public var loss: Float
        public var correct: Int
    }

    /// Writes dlogits into `grad` (same size as logits) and returns the mean loss and the
    /// number of correct argmax predictions.
    public static func forwardBackward(logits: Tensor, labels: UnsafePointer<UInt8>, grad: Tensor) -> Result {
        let (n, k) = (logits.batch, logits.shape.size)
        grad.resize(batch: n, shape: logits.shape)
        var loss = 0.0, correct = 0
        for b in 0..<n {
            let row = b * k
            var maxLogit = -Float.infinity, best = 0
            for j in 0..<k where logits.data[row + j] > maxLogit { maxLogit = logits.data[row + j]; best = j }
            var sum: Float = 0
            for j in 0..<k {
                let e = Foundation.exp(logits.data[row + j] - maxLogit)
                grad.data[row + j] = e
                sum += e
            }
            let label = Int(labels[b])
            if best == label { correct += 1 }
            loss += Double(Foundation.log(sum)) - Double(logits.data[row + label] - maxLogit)
            for j in 0..<k {
                grad.data[row + j] = (grad.data[row + j] / sum - (j == label ? 1 : 0)) / Float(n)
            }
        }
        return Result(loss: Float(loss / Double(n)), correct: correct)
    }
}

/// softmax(logits / temperature) for one row, in Double for stable tiny probabilities.
public func softmax(_ logits: [Float], temperature: Float = 1) -> [Float] {
    let scaled = logits.map { Double($0) / Double(temperature) }
    let m = scaled.max() ?? 0
    let e = scaled.map { Foundation.exp($0 - m) }
    let s = e.reduce(0, +)
    return e.map { Float($0 / s) }
}
