import Foundation
import InklingCore
import InklingSite
import XCTest

/// The committed site/ must be exactly what `inkling build` makes from the committed
/// weights/ and templates/: anyone who changes either has to rebuild and commit site/.
final class CommittedSiteTests: XCTestCase {
    func testCommittedSiteIsUpToDate() throws {
        let repo = Fixture.repo
        let builder = SiteBuilder(model: repo.appendingPathComponent("weights/model.json").path,
                                  evaluation: repo.appendingPathComponent("weights/evaluation.json").path,
                                  golden: repo.appendingPathComponent("weights/golden.json").path,
                                  templates: repo.appendingPathComponent("templates").path,
                                  drawnEvaluation: repo.appendingPathComponent("weights/drawn-evaluation.json").path)
        let fresh = try builder.render()
        let site = repo.appendingPathComponent("site")
        let committed = Set((try? FileManager.default.contentsOfDirectory(atPath: site.path)) ?? [])
        let hint = "site/ is stale: run `swift run inkling build` and commit site/"
        for name in fresh.keys.sorted() {
            guard let old = FileManager.default.contents(atPath: site.appendingPathComponent(name).path) else {
                return XCTFail("site/\(name) is missing. \(hint)")
            }
            let new = fresh[name]!
            if old != new {
                let at = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
                let line = new.prefix(at).filter { $0 == 0x0A }.count + 1
                return XCTFail("site/\(name) differs from a fresh build at byte \(at) (line \(line)); " +
                               "committed \(old.count) bytes, fresh \(new.count) bytes. \(hint)")
            }
        }
        let extra = committed.subtracting(fresh.keys).filter { !$0.hasPrefix(".") }
        XCTAssertTrue(extra.isEmpty, "site/ has files a build does not make: \(extra.sorted()). \(hint)")
    }

    /// The card's drawn-set figures must be of the committed model: after retraining, run
    /// scripts/drawn-evaluation.sh (the build refuses stale figures too; this says why first).
    func testCommittedDrawnEvaluationIsOfTheCommittedModel() throws {
        let repo = Fixture.repo
        let model = try Data(contentsOf: repo.appendingPathComponent("weights/model.json"))
        let data = try Data(contentsOf: repo.appendingPathComponent("weights/drawn-evaluation.json"))
        let drawn = try JSONDecoder().decode(DrawnEvaluation.self, from: data)
        XCTAssertEqual(drawn.modelSHA256, FileDigest.sha256(data: model),
                       "weights/drawn-evaluation.json is of another model (stale figures): run scripts/drawn-evaluation.sh and commit it")
        for kind in DrawnEvaluation.kinds {
            XCTAssertGreaterThanOrEqual(drawn.totals(kind).total, 40, "expected at least 40 drawn \(kind)s in the committed figures")
        }
    }

    func testCommittedPageIsWithinTheSizeBudget() throws {
        let index = Fixture.repo.appendingPathComponent("site/index.html")
        let data = try XCTUnwrap(FileManager.default.contents(atPath: index.path), "site/index.html is missing: run `inkling build`")
        let gz = GzipSize.compressedSize(data)
        XCTAssertLessThanOrEqual(gz, BuildReport.pageBudgetGzipBytes,
                                 "site/index.html is \(gz) bytes gzipped, over the \(BuildReport.pageBudgetGzipBytes) byte budget")
    }
}
