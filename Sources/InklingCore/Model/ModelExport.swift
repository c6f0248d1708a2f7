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
            i += 1
            // Dropout is the identity at inference; a batch norm is folded into the
            // convolution before it (below), so neither has a model-file form.
            guard let kind = LayerKinds.named(layer.kind) else {
                precondition(layer is Dropout, "\(layer.name): a \(layer.kind) layer that follows no convolution cannot be exported")
                continue
            }
            var spec = LayerSpec(type: layer.kind, name: layer.name, inputShape: layer.inputShape.array, outputShape: layer.outputShape.array)
            kind.fields(of: layer, into: &spec)
            var values = layer.parameters.map(\.value)
            if let conv = layer as? Conv2D, i < layers.count, let bn = layers[i] as? BatchNorm2D {
                values = fold(conv, bn)
                i += 1
            }
            for (parameter, value) in zip(layer.parameters, values) {
                tensors[parameter.name] = TensorData(dtype: dtype, shape: parameter.shape, values: value)
            }
            specs.append(spec)
        }
        return (specs, tensors)
    }

    /// [W', b'] of a convolution followed by batch norm (the formula above).
    private static func fold(_ conv: Conv2D, _ bn: BatchNorm2D) -> [[Float]] {
        var w = conv.weight.value, b = conv.bias.value
        let perOut = w.count / b.count
        for o in 0..<b.count {
            let scale = bn.gamma.value[o] / (bn.runningVar[o] + bn.eps).squareRoot()
            for j in 0..<perOut { w[o * perOut + j] *= scale }
            b[o] = (b[o] - bn.runningMean[o]) * scale + bn.beta.value[o]
        }
        return [w, b]
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
