/// Parameter update rules. Each keeps its per-parameter state in flat buffers aligned with
/// `network.parameters`.
public protocol Optimizer: AnyObject {
    var description: String { get }
    func step(_ parameters: [Parameter], learningRate: Float)
}

/// SGD with (heavy-ball) momentum and L2 weight decay on weights:
///   v = mu * v + (g + wd * w);  w -= lr * v
public final class SGD: Optimizer {
    public let momentum: Float, weightDecay: Float
    private var velocity: [[Float]] = []

    public init(momentum: Float = 0.9, weightDecay: Float = 0) {
        self.momentum = momentum; self.weightDecay = weightDecay
    }

    public var description: String { "sgd(momentum: \(momentum), weight_decay: \(weightDecay))" }

    public func step(_ parameters: [Parameter], learningRate lr: Float) {
        if velocity.isEmpty { velocity = parameters.map { [Float](repeating: 0, count: $0.value.count) } }
        for (p, param) in parameters.enumerated() {
            let wd = param.decays ? weightDecay : 0
            let n = param.value.count
            velocity[p].withUnsafeMutableBufferPointer { v in
                param.value.withUnsafeMutableBufferPointer { w in
                    param.grad.withUnsafeBufferPointer { g in
                        for i in 0..<n {
                            v[i] = momentum * v[i] + g[i] + wd * w[i]
                            w[i] -= lr * v[i]
                        }
                    }
                }
            }
        }
    }
}

/// Adam with decoupled weight decay (AdamW):
///   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
///   w -= lr * (m_hat / (sqrt(v_hat) + eps) + wd * w)
public final class Adam: Optimizer {
    public let beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8
    public let weightDecay: Float
    private var m: [[Float]] = [], v: [[Float]] = []
    private var t = 0

    public init(weightDecay: Float = 0) { self.weightDecay = weightDecay }

    public var description: String { "adamw(beta1: 0.9, beta2: 0.999, weight_decay: \(weightDecay))" }

    public func step(_ parameters: [Parameter], learningRate lr: Float) {
        if m.isEmpty {
            m = parameters.map { [Float](repeating: 0, count: $0.value.count) }
            v = m
        }
        t += 1
        let c1 = 1 - pow(beta1, Float(t)), c2 = 1 - pow(beta2, Float(t))
        for (p, param) in parameters.enumerated() {
            let wd = param.decays ? weightDecay : 0
            let n = param.value.count
            m[p].withUnsafeMutableBufferPointer { mp in
                v[p].withUnsafeMutableBufferPointer { vp in
                    param.value.withUnsafeMutableBufferPointer { w in
                        param.grad.withUnsafeBufferPointer { g in
                            for i in 0..<n {
                                mp[i] = beta1 * mp[i] + (1 - beta1) * g[i]
                                vp[i] = beta2 * vp[i] + (1 - beta2) * g[i] * g[i]
                                let update = (mp[i] / c1) / ((vp[i] / c2).squareRoot() + eps)
                                w[i] -= lr * (update + wd * w[i])
                            }
                        }
                    }
                }
            }
        }
    }
}

import Foundation
