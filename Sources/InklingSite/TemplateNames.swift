import Foundation

/// Mustache renders a name it cannot find as nothing, so a typo in a template (or a value
/// the renderer stopped providing) would silently leave a hole in the page. Before
/// rendering, every name a template uses is checked against the names its context holds.
enum TemplateNames {
    /// The names used in `{{name}}`, `{{{name}}}`, `{{#name}}`, `{{^name}}` tags.
    static func used(in template: String) -> [String] {
        let re = try! NSRegularExpression(pattern: #"\{\{\{?\s*[#^&]?\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}?\}\}"#)
        let ns = template as NSString
        var seen = Set<String>(), out: [String] = []
        for m in re.matches(in: template, range: NSRange(location: 0, length: ns.length)) {
            let name = ns.substring(with: m.range(at: 1))
            if seen.insert(name).inserted { out.append(name) }
        }
        return out
    }

    /// Every key at any depth of a context built from dictionaries and arrays.
    static func available(in context: Any) -> Set<String> {
        var keys = Set<String>()
        func walk(_ value: Any) {
            if let dict = value as? [String: Any] {
                for (k, v) in dict { keys.insert(k); walk(v) }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(context)
        return keys
    }

    /// Throws naming the template file and the first name the context lacks.
    static func check(_ template: String, context: Any, file: String) throws {
        let keys = available(in: context)
        if let missing = used(in: template).first(where: { !keys.contains($0.split(separator: ".").first.map(String.init) ?? $0) }) {
            throw SiteError(file: file, expected: "only names the renderer provides (\(keys.sorted().prefix(8).joined(separator: ", ")), ...)",
                            found: "{{\(missing)}}, which it does not")
        }
    }
}
