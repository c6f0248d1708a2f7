/// Turns a trained `Network` into the layers and tensors of a model file.
///
/// Batch norm is folded into the convolution before it (at inference BN is an affine map
/// per channel), and dropout is dropped (identity at inference), so the file and the
/// JavaScript only need conv2d, relu, maxpool2d, flatten and dense:
///   scale = gamma / sqrt(running_var + eps)
///   W'[o] = W[o] * scale[o],  b'[o] = (b[o] - running_mean[o]) * scale[o] + beta[o]
public enum ModelExport {
    public static func layersAndTensors(of network: Network, dtype: TensorData.DType) -> ([LayerSpec], [String: TensorData]) {
        var specs: [LayerSpec] = []
        var tensors: [String: TensorData] = [:]
        let layers = network.layers
        var i = 0
        while i < layers.count {
            let layer = layers[i]
            var spec = LayerSpec(type: layer.kind, name: layer.name, inputShape: layer.inputShape.array, outputShape: layer.outputShape.array)
            switch layer {
            case let conv as Conv2D:
                var w = conv.weight.value, b = conv.bias.value
                if i + 1 < layers.count, let bn = layers[i + 1] as? BatchNorm2D {
                    let perOut = w.count / b.count
                    for o in 0..<b.count {
                        let scale = bn.gamma.value[o] / (bn.runningVar[o] + bn.eps).squareRoot()
                        for j in 0..<perOut { w[o * perOut + j] *= scale }
                        b[o] = (b[o] - bn.runningMean[o]) * scale + bn.beta.value[o]
                    }
                    i += 1 // the batch norm is consumed
                }
                spec.inChannels = conv.inputShape.c; spec.outChannels = conv.outputShape.c
                spec.kernel = conv.kernel; spec.stride = conv.stride; spec.padding = conv.padding
                spec.weight = "\(conv.name).weight"; spec.bias = "\(conv.name).bias"
                tensors[spec.weight!] = TensorData(dtype: dtype, shape: conv.weight.shape, values: w)
                tensors[spec.bias!] = TensorData(dtype: dtype, shape: conv.bias.shape, values: b)
            case let dense as Dense:
                spec.inFeatures = dense.inputShape.size; spec.outFeatures = dense.outputShape.size
                spec.weight = "\(dense.name).weight"; spec.bias = "\(dense.name).bias"
                tensors[spec.weight!] = TensorData(dtype: dtype, shape: dense.weight.shape, values: dense.weight.value)
                tensors[spec.bias!] = TensorData(dtype: dtype, shape: dense.bias.shape, values: dense.bias.value)
            case let pool as MaxPool2D:
                spec.size = pool.size; spec.stride = pool.stride
            case is Dropout:
                i += 1
                continue
            default:
                break
            }
            specs.append(spec)
            i += 1
        }
        return (specs, tensors)
    }

    /// The model file for a trained network: its layers and tensors, the trainer's input
    /// normalisation, and the given calibration and training metadata.
    public static func modelFile(of trainer: Trainer, dtype: TensorData.DType = .float16,
                                 calibration: Calibration = .identity, training: TrainingInfo) -> ModelFile {
        let (layers, tensors) = layersAndTensors(of: trainer.network, dtype: dtype)
        return ModelFile(input: InputSpec(mean: trainer.config.mean, std: trainer.config.std), layers: layers,
                         tensors: tensors, calibration: calibration, training: training)
    }
}
