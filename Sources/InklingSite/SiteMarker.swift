import Foundation

/// The file `inkling build` puts into every site folder it makes, so that a later build can
/// tell the folder is its own and knows which files it may delete (no others, ever):
///
///     site/.inkling-site
///     {"files":["check.html","golden.js","index.html","model-card.html"],"format":"inkling-site","version":1}
///
/// It holds no time or path, so the same inputs still give the same bytes.
public struct SiteMarker: Equatable, Sendable {
    public static let fileName = ".inkling-site"
    public static let format = "inkling-site"
    public static let version = 1

    /// What every build wrote before the marker existed. An unmarked folder holding exactly
    /// these files (and nothing else) is taken as a site of an older Inkling and may be replaced.
    public static let legacyFiles: Set<String> = ["check.html", "golden.js", "index.html", "model-card.html"]

    /// Paths relative to the site folder, sorted; the marker itself is not listed.
    public let files: [String]

    public init(files: some Sequence<String>) {
        self.files = Array(Set(files)).sorted()
    }

    public func encoded() -> Data {
        let object: [String: Any] = ["format": Self.format, "version": Self.version, "files": files]
        let json = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return json + Data("\n".utf8)
    }

    /// Reads a marker; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws -> SiteMarker {
        let expected = "a marker written by `inkling build` ({\"format\": \"inkling-site\", \"version\": 1, \"files\": [...]})"
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw SiteError(file: file, expected: expected, found: "something else")
        }
        guard object["format"] as? String == format else {
            throw SiteError(file: file, expected: expected, found: "format \(object["format"].map { "\($0)" } ?? "missing")")
        }
        guard (object["version"] as? NSNumber)?.intValue == version else {
            throw SiteError(file: file, expected: expected, found: "version \(object["version"].map { "\($0)" } ?? "missing")")
        }
        guard let files = object["files"] as? [String] else {
            throw SiteError(file: file, expected: expected, found: "no list of file names")
        }
        for name in files where !isPlainRelativePath(name) {
            throw SiteError(file: file, expected: "plain relative file names in \"files\"", found: "\"\(name)\"")
        }
        return SiteMarker(files: files)
    }

    /// "a.html" or "assets/a.js": no "", ".", "..", leading "/" or the marker itself, so a
    /// marker can never point a deletion outside its folder.
    static func isPlainRelativePath(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !path.contains("\0") && path != fileName
            && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
