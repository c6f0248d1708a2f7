import Foundation
import InklingCore
import XCTest

/// Preprocessing behaves as docs/preprocessing.md says (the JS mirror: Tests/js/preprocess.test.js).
final class PreprocessTests: XCTestCase {
    typealias C = Drawing.RGBA

    /// A "7" as polylines in a unit box scaled into `box`.
    private func seven(_ box: (Double, Double, Double, Double), width: Double) -> [Drawing.Stroke] {
        [Drawing.Stroke(points: [(0.1, 0.04), (0.9, 0.04), (0.38, 0.97)].map { (box.0 + $0.0 * box.2, box.1 + $0.1 * box.3) }, width: width)]
    }

    private func draw(_ w: Int, _ h: Int, bg: C, ink: C, _ strokes: [Drawing.Stroke]) -> Preprocessed {
        Preprocessor.preprocess(Drawing(width: w, height: h, background: { _, _ in bg }, ink: ink, strokes: strokes).render())
    }

    private func mass(_ x: [Float]) -> Float { x.reduce(0, +) }

    private func extent(_ x: [Float]) -> (w: Int, h: Int) {
        var x0 = 28, x1 = -1, y0 = 28, y1 = -1
        for y in 0..<28 { for i in 0..<28 where x[y * 28 + i] > 0.2 { x0 = min(x0, i); x1 = max(x1, i); y0 = min(y0, y); y1 = max(y1, y) } }
        return (x1 - x0 + 1, y1 - y0 + 1)
    }

    func testPolarityDarkOnLightAndLightOnDarkGiveTheSameInput() {
        let a = draw(100, 100, bg: .white, ink: .black, seven((30, 15, 40, 70), width: 7))
        let b = draw(100, 100, bg: .black, ink: .white, seven((30, 15, 40, 70), width: 7))
        XCTAssertEqual(a.info.mode, .dark)
        XCTAssertEqual(b.info.mode, .light)
        XCTAssertFalse(a.blank)
        XCTAssertEqual(a.input, b.input)
    }

    func testTransparentCanvasReadsAnyInkColourAsInk() {
        let reference = draw(100, 100, bg: .white, ink: .black, seven((30, 15, 40, 70), width: 7))
        for ink in [C.black, C.white, C(200, 40, 40)] {
            let r = draw(100, 100, bg: .clear, ink: ink, seven((30, 15, 40, 70), width: 7))
            XCTAssertEqual(r.info.mode, .alpha)
            XCTAssertEqual(r.input, reference.input, "ink \(ink)")
        }
    }

    func testColouredInkOnColouredPaper() {
        // Yellow on white shows only in the blue channel; blue ink on yellow paper.
        let yellow = draw(100, 100, bg: .white, ink: C(240, 220, 0), seven((30, 15, 40, 70), width: 7))
        let blue = draw(100, 100, bg: C(250, 235, 160), ink: C(30, 60, 200), seven((30, 15, 40, 70), width: 7))
        let reference = draw(100, 100, bg: .white, ink: .black, seven((30, 15, 40, 70), width: 7))
        XCTAssertFalse(yellow.blank)
        XCTAssertEqual(yellow.input, reference.input)
        XCTAssertEqual(blue.input, reference.input)
    }

    func testThinLineOnAHugeCanvasSurvives() {
        let r = draw(1000, 1000, bg: .white, ink: .black, seven((300, 150, 400, 700), width: 1))
        XCTAssertFalse(r.blank)
        XCTAssertGreaterThan(r.info.strokeRadius, 0, "thin strokes are dilated")
        XCTAssertEqual(r.input.max(), 1)
        XCTAssertTrue((40...160).contains(mass(r.input)), "ink mass \(mass(r.input))")
    }

    func testFatMarkerIsThinnedNotABlob() {
        let thin = draw(200, 200, bg: .white, ink: .black, seven((60, 30, 80, 140), width: 12))
        let fat = draw(200, 200, bg: .white, ink: .black, seven((60, 30, 80, 140), width: 44))
        XCTAssertLessThan(fat.info.strokeRadius, 0, "fat strokes are eroded")
        XCTAssertLessThan(mass(fat.input), 1.8 * mass(thin.input))
    }

    func testBlankNearlyBlankAndDot() {
        XCTAssertEqual(draw(64, 64, bg: .white, ink: .black, []).info.blankReason, .noInk)
        XCTAssertTrue(draw(64, 64, bg: .clear, ink: .black, []).blank)
        XCTAssertEqual(Preprocessor.preprocess(RGBAImage(width: 0, height: 0, pixels: [])).info.blankReason, .empty)
        let faint = draw(100, 100, bg: .white, ink: C(235, 235, 235), seven((30, 15, 40, 70), width: 7))
        XCTAssertTrue(faint.blank, "contrast below the minimum is blank")
        let dot = draw(100, 100, bg: .white, ink: .black, [Drawing.Stroke(points: [(50, 50)], width: 9)])
        XCTAssertEqual(dot.info.blankReason, .dot)
        XCTAssertEqual(mass(dot.input), 0)
    }

    func testFaintPencilIsStretched() {
        let r = draw(100, 100, bg: C(236, 236, 236), ink: C(185, 185, 185), seven((30, 15, 40, 70), width: 5))
        XCTAssertFalse(r.blank)
        XCTAssertEqual(r.input.max(), 1)
    }

    func testVeryTallAndVeryWideKeepTheirAspectRatio() {
        let tall = draw(60, 300, bg: .white, ink: .black, [Drawing.Stroke(points: [(30, 10), (30, 290)], width: 6)])
        XCTAssertEqual(extent(tall.input).h, 20)
        XCTAssertLessThanOrEqual(extent(tall.input).w, 4)
        let wide = draw(300, 60, bg: .white, ink: .black, [Drawing.Stroke(points: [(10, 30), (290, 30)], width: 6)])
        XCTAssertFalse(wide.blank)
        XCTAssertEqual(extent(wide.input).w, 20)
        XCTAssertLessThanOrEqual(extent(wide.input).h, 4)
    }

    func testCentreOfMassLandsAtTheCentreWhereverTheDigitIs() {
        for box in [(5.0, 5.0, 30.0, 45.0), (120, 90, 40, 60), (60, 10, 80, 130)] {
            let r = draw(200, 160, bg: .white, ink: .black, seven(box, width: 5))
            var m = 0.0, cx = 0.0, cy = 0.0
            for y in 0..<28 { for x in 0..<28 { let v = Double(r.input[y * 28 + x]); m += v; cx += v * (Double(x) + 0.5); cy += v * (Double(y) + 0.5) } }
            XCTAssertEqual(cx / m, 14, accuracy: 0.5, "box \(box)")
            XCTAssertEqual(cy / m, 14, accuracy: 0.5, "box \(box)")
        }
    }

    func testOutputIsInUnitRangeWith784Values() {
        let r = draw(90, 70, bg: C(20, 30, 40), ink: C(250, 250, 200), seven((10, 5, 40, 60), width: 4))
        XCTAssertEqual(r.input.count, 784)
        XCTAssertTrue(r.input.allSatisfy { (0...1).contains($0) })
    }

    func testMNISTDigitPassedThroughStaysCloseToItself() throws {
        let (_, test, _) = try RealData.require()
        var total = 0.0
        let n = min(100, test.count)
        for k in 0..<n {
            let grey = Array(test.images[(k * 784)..<((k + 1) * 784)])
            let r = Preprocessor.preprocess(RGBAImage(width: 28, height: 28, grey: grey))
            XCTAssertFalse(r.blank, "test image \(k)")
            var d = 0.0
            for i in 0..<784 { d += abs(Double(r.input[i]) - Double(grey[i]) / 255) }
            total += d / 784
        }
        XCTAssertLessThan(total / Double(n), 0.08, "mean absolute difference")
    }
}
