import Foundation

/// The Content-Security-Policy of a rendered page, computed from the page itself.
///
/// The page may run exactly its own inline scripts and styles, named by the SHA-256 of
/// their text, and reach nothing on the network: `default-src 'none'`, no `connect-src`,
/// no forms, no `<base>`. Images only from `data:`/`blob:` URIs (the misread gallery and
/// dropped or pasted files). The hashes are taken from the rendered HTML, after templating,
/// so they always match the bytes the browser hashes.
public enum ContentSecurityPolicy {
    /// The text of every inline element `tag` (`script` or `style`) that the browser would
    /// execute or apply: `<script src>` and data blocks (`type="application/json"`) are skipped.
    public static func inlineBodies(of html: String, tag: String) -> [String] {
        var bodies: [String] = []
        let open = "<\(tag)", close = "</\(tag)>"
        var rest = html[...]
        while let start = rest.range(of: open) {
            guard let tagEnd = rest[start.upperBound...].firstIndex(of: ">") else { break }
            let attributes = rest[start.upperBound..<tagEnd]
            // "<scripts" or "<styled" are other names, not this tag.
            if let next = attributes.first, next != " " && next != ">" && next != "\n" {
                rest = rest[tagEnd...]
                continue
            }
            let bodyStart = rest.index(after: tagEnd)
            guard let end = rest[bodyStart...].range(of: close) else { break }
            let isData = attributes.contains("application/json")
            let isExternal = attributes.contains(" src=")
            if !isData && !isExternal { bodies.append(String(rest[bodyStart..<end.lowerBound])) }
            rest = rest[end.upperBound...]
        }
        return bodies
    }

    /// `'sha256-<base64>'` for each body, in page order, without duplicates.
    public static func hashSources(_ bodies: [String]) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for body in bodies {
            let source = "'sha256-\(Digest.base64(Data(body.utf8)))'"
            if seen.insert(source).inserted { out.append(source) }
        }
        return out
    }

    /// The policy for `html`; `extraScriptSources` allows side files such as `golden.js`.
    public static func policy(for html: String, extraScriptSources: [String] = []) -> String {
        let scripts = extraScriptSources + hashSources(inlineBodies(of: html, tag: "script"))
        let styles = hashSources(inlineBodies(of: html, tag: "style"))
        return [
            "default-src 'none'",
            "script-src " + (scripts.isEmpty ? "'none'" : scripts.joined(separator: " ")),
            "style-src " + (styles.isEmpty ? "'none'" : styles.joined(separator: " ")),
            "img-src data: blob:",
            "connect-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
        ].joined(separator: "; ")
    }

    /// Where templates put the policy. The page is rendered with this marker in the meta tag,
    /// the hashes are computed over the rendered page, then the marker is replaced: the meta
    /// tag is no script or style, so replacing it changes no hash.
    public static let marker = "INKLING-CSP-PLACEHOLDER"

    /// Replaces the marker in `html` with its policy; throws if the template forgot it.
    static func apply(to html: String, file: String, extraScriptSources: [String] = []) throws -> String {
        guard html.contains(marker) else {
            throw SiteError(file: file, expected: "a <meta http-equiv=\"Content-Security-Policy\" content=\"{{csp}}\"> tag",
                            found: "no {{csp}} in the template")
        }
        let policy = policy(for: html, extraScriptSources: extraScriptSources)
        return html.replacingOccurrences(of: marker, with: policy)
    }
}
