import Foundation
import InklingCore

/// The model card's template context, computed from the model file and its evaluation.
///
/// Plain values go through Mustache `{{ }}` (escaped there); the SVG charts are assembled
/// here from numbers and escaped text, and are the only values inserted raw (`{{{ }}}`).
enum ModelCard {
    static func context(model: ModelFile, modelBytes: Data, evaluation e: Evaluation, drawn: DrawnEvaluation? = nil) -> [String: Any] {
        let t = model.training, c = model.calibration
        let gz = GzipSize.compressedSize(modelBytes)

        let perClass: [[String: Any]] = (0..<10).map { d in
            let errors = e.perClassCount[d] - e.confusion[d][d]
            return ["digit": d, "accuracy": Fmt.percent(e.perClassAccuracy[d]), "accuracy_raw": Fmt.fixed(e.perClassAccuracy[d], 6),
                    "count": e.perClassCount[d], "errors": errors]
        }
        let confusionRows: [[String: Any]] = e.confusion.enumerated().map { t, row in
            ["label": t, "cells": row.map { ["count": $0] }]
        }
        let misread: [[String: Any]] = e.misread.map { m in
            // Ink dark on light paper, as a person writes it (the evaluation stores 255 = ink).
            let pixels = [UInt8](Data(base64Encoded: m.pixels) ?? Data(count: 784)).map { 255 - $0 }
            let png = PNGEncoder.encodeGrey(width: 28, height: 28, pixels: pixels)
            return ["src": "data:image/png;base64," + png.base64EncodedString(), "index": m.index, "label": m.label,
                    "predicted": m.predicted, "confidence": Fmt.percent(Double(m.confidence), 1)]
        }

        let history = t.history
        let losses = history.map { Double($0.loss) }
        let lossMax = max(losses.max() ?? 1, 1e-6)
        let lossChart = SVGCharts.lineChart(
            title: "Training loss per epoch", id: "loss", series: [("curve-a", "train loss", losses)],
            yMin: 0, yMax: niceCeil(lossMax), yFormat: { Fmt.fixed($0, 3) })
        let train = history.map { Double($0.trainAccuracy) }, test = history.map { Double($0.testAccuracy) }
        // Four equal steps down from 100%, each a round size, low enough to show every point.
        let lowest = (train + test).min() ?? 0.9
        let step = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25].first { 1 - 4 * $0 <= lowest } ?? 0.25
        let accuracyChart = SVGCharts.lineChart(
            title: "Accuracy per epoch (train and test)", id: "acc",
            series: [("curve-a", "train", train), ("curve-b", "test", test)],
            yMin: 1 - 4 * step, yMax: 1, yFormat: { Fmt.percent($0, step < 0.01 ? 2 : 1) })

        let layers: [[String: Any]] = model.layers.map { l in
            let params = [l.weight, l.bias].compactMap { $0 }.reduce(0) { $0 + (model.tensors[$1]?.count ?? 0) }
            return ["type": l.type, "name": l.name, "detail": l.summary, "output": l.outputShape.map(String.init).joined(separator: "x"),
                    "params": Fmt.grouped(params)]
        }

        return drawnContext(drawn).merging([
            "accuracy": Fmt.percent(e.accuracy), "accuracy_raw": Fmt.fixed(e.accuracy, 6),
            "count": Fmt.grouped(e.count), "correct": Fmt.grouped(e.correct), "errors": Fmt.grouped(e.count - e.correct),
            "evaluation_data": e.data,
            "per_class": perClass,
            "confusion_rows": confusionRows,
            "confusion_svg": SVGCharts.confusionHeatMap(e.confusion),
            "loss_svg": lossChart, "accuracy_svg": accuracyChart, "has_history": !history.isEmpty,
            "misread": misread, "misread_count": misread.count,
            "parameters": Fmt.grouped(model.parameterCount), "parameters_raw": model.parameterCount,
            "multiply_adds": Fmt.grouped(model.multiplyAdds), "multiply_adds_raw": model.multiplyAdds,
            "weights_bytes": Fmt.bytes(modelBytes.count), "weights_bytes_raw": modelBytes.count,
            "weights_gzip": Fmt.bytes(gz), "weights_gzip_raw": gz,
            "weights_sha256": Digest.hex(modelBytes),
            "dtype": Set(model.tensors.values.map { $0.dtype.rawValue }).sorted().joined(separator: ", "),
            "layers": layers,
            "command": t.command, "seed": String(t.seed), "epochs": t.epochs == 1 ? "1 epoch" : "\(t.epochs) epochs", "batch_size": t.batchSize,
            "optimizer": t.optimizer, "schedule": t.learningRateSchedule, "weight_decay": Fmt.fixed(Double(t.weightDecay), 6),
            "dropout": Fmt.fixed(Double(t.dropout), 2), "augmentation": t.augmentation, "architecture": t.architecture,
            "train_count": Fmt.grouped(t.trainCount), "threads": t.threads,
            // A model file may record no data (one from elsewhere): say so rather than leave a hole.
            "data_files": t.data.isEmpty ? [["file": "none recorded in the model file", "sha256": ""]]
                                         : t.data.map { ["file": $0.file, "sha256": $0.sha256] },
            "training_test_accuracy": Fmt.percent(Double(t.testAccuracy)),
            "temperature": Fmt.fixed(Double(c.temperature), 4), "unsure_below": Fmt.percent(Double(c.unsureBelow), 0),
            "ece_before": Fmt.percent(Double(c.eceBefore), 2), "ece_after": Fmt.percent(Double(c.eceAfter), 2),
            "nll_before": Fmt.fixed(Double(c.nllBefore), 4), "nll_after": Fmt.fixed(Double(c.nllAfter), 4),
            "fitted_on": c.fittedOn,
            "input_mean": Fmt.fixed(Double(model.input.mean), 4), "input_std": Fmt.fixed(Double(model.input.std), 4),
        ]) { $1 }
    }

    /// The drawn sets' figures: one row per set and a total per kind (digits, numbers, sums).
    static func drawnContext(_ drawn: DrawnEvaluation?) -> [String: Any] {
        func row(_ kind: String, _ name: String, _ right: Int, _ total: Int) -> [String: Any] {
            let a = Double(right) / Double(total)
            return ["kind": kind, "name": name, "right": right, "total": total, "accuracy": Fmt.percent(a, 1), "accuracy_raw": Fmt.fixed(a, 6)]
        }
        // Without a file there are no rows; TemplateNames.check still needs the rows' names.
        guard let d = drawn else {
            return ["has_drawn": false, "drawn_totals": [] as [Any], "drawn_sets": [] as [Any],
                    "drawn_row_names": row("digit", "", 0, 1), "drawn_how": "", "drawn_command": "", "drawn_sha256": ""]
        }
        let names = ["digit": "Single digits", "number": "Numbers", "sum": "Sums"]
        let totals = DrawnEvaluation.kinds.compactMap { k -> [String: Any]? in
            let t = d.totals(k)
            return t.total > 0 ? row(k, names[k]!, t.right, t.total) : nil
        }
        return ["has_drawn": true, "drawn_totals": totals, "drawn_sets": d.sets.map { row($0.kind, $0.name, $0.right, $0.total) },
                "drawn_how": d.how, "drawn_command": d.command, "drawn_sha256": d.modelSHA256]
    }

    /// A round upper bound for a chart axis: 1, 2 or 5 times a power of ten.
    static func niceCeil(_ x: Double) -> Double {
        let p = pow(10, floor(log10(x)))
        for m in [1.0, 2.0, 5.0, 10.0] where m * p >= x { return m * p }
        return 10 * p
    }
}
