/// Why `inkling build` refused to render the site.
///
/// Every message names the file and says what was expected and what was found, so it can
/// be acted on without reading the code:
///
///     templates/index.mustache: a valid Mustache template, found an unclosed section near line 12
public struct SiteError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let expected: String
    public let found: String

    public init(file: String, expected: String, found: String) {
        self.file = file
        self.expected = expected
        self.found = found
    }

    public var description: String { "\(file): expected \(expected), found \(found)" }
}
