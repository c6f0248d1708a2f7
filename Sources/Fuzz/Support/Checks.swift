import InklingCore

/// Properties every prediction must have, whatever the model: ten probabilities, a digit
/// in 0...9, and when the logits are finite the probabilities are finite and sum to 1.
func checkPrediction(_ p: Prediction, _ what: String) {
    guard p.logits.count == 10, p.probabilities.count == 10, (0...9).contains(p.digit) else {
        finding("\(what): prediction has \(p.logits.count) logits, \(p.probabilities.count) probabilities, digit \(p.digit)")
    }
    if p.logits.allSatisfy(\.isFinite) {
        let sum = p.probabilities.reduce(0, +)
        guard p.probabilities.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }), abs(sum - 1) < 1e-3 else {
            finding("\(what): finite logits \(p.logits) give probabilities \(p.probabilities) (sum \(sum))")
        }
    }
}

/// The 784 model inputs preprocessing produces: finite, in [0, 1].
func checkModelInput(_ input: [Float], _ what: String) {
    guard input.count == 784, input.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
        finding("\(what): preprocessing gave \(input.count) values, not 784 in [0, 1]")
    }
}
