/// What reading a number or a sum gives (numbers.js `read`'s result): nothing to read, ink
/// too small, a reading (with doubt), or, for a sum that cannot be parsed, why and where.
public struct NumberReading: Sendable {
    public enum Mode: String, Sendable { case number, sum }

    public struct Glyph: Sendable {
        public enum Kind: String, Sendable { case digit, op, ignored }
        public var kind: Kind
        public var digit: Int?
        public var op: String?
        /// The model's calibrated probability of the digit, or the operator's geometric score.
        public var p: Double
        /// The glyph's ink box in source units (pixels for images).
        public var box: InkBox
        /// The model's ten probabilities and its 28x28 input, for digits.
        public var probabilities: [Double]?
        public var input: [Float]?
        /// The pieces the glyph is made of (stroke and blob keys).
        public var pieces: [String]
    }

    public struct Alternative: Sendable, Equatable {
        public var text: String
        public var p: Double
    }

    /// No ink at all.
    public var empty = false
    /// Writing smaller than the reader's minimum height, or with no height.
    public var tooSmall = false
    /// The writing height in source units.
    public var H = 0.0
    /// The best reading: digits and operators as written ("47", "12+7=").
    public var text = ""
    /// The best text's share of the readings' probability.
    public var confidence = 0.0
    /// Doubtful: confidence or a digit's probability below the model's `unsure_below`.
    public var unsure = false
    /// Distinct readings by meaning, most likely first (at most 4).
    public var alternatives: [Alternative] = []
    public var glyphs: [Glyph] = []
    /// Ink after '=' (someone's answer) was left unread.
    public var ignoredRest = false
    /// A sum's parts: left number, operator as written, right number, and the expression
    /// with the operator `evaluate` applies ("12+7", "8/2").
    public var left: String?
    public var op: String?
    public var right: String?
    public var expression: String?
    /// Why a sum cannot be read, and the index (among the glyphs that are not ignored) of
    /// the glyph at fault, -1 when no one glyph is.
    public var error: String?
    public var errorAt: Int?

    /// The runner-up text when the reading is doubtful ("47 or 4?").
    public var runnerUp: String? {
        guard unsure else { return nil }
        let best = NumberSummary.meaning(text)
        return alternatives.first { $0.text != best }?.text
    }
}

/// One glyph read by the digit model.
public struct GlyphReading: Sendable {
    public var blank: Bool
    public var input: [Float]
    /// Calibrated probabilities (softmax of logits / temperature), nil when blank.
    public var probabilities: [Double]?
    public var digit: Int?
    public var confidence: Double

    public init(blank: Bool, input: [Float], probabilities: [Double]?, digit: Int?, confidence: Double) {
        self.blank = blank; self.input = input; self.probabilities = probabilities; self.digit = digit; self.confidence = confidence
    }
}
