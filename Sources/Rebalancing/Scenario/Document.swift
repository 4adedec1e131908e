import Foundation
import Yams

/// A parsed scenario file before it is given meaning: the common tree of YAML and JSON.
///
/// Scalars keep their text so that a field wanting a string (a ticker such as `ON`, an id
/// such as `1234`) gets what was written, and errors can quote it.
///
/// Not `indirect`: lists and mappings are arrays, which already hold their elements out of line,
/// and boxing every scalar as well cost an allocation and a release per value read.
enum Document: Sendable {
    case null
    case bool(Bool, text: String)
    case number(Double, text: String)
    case string(String)
    case list([Document])
    case map([(key: String, value: Document)])

    /// What kind of value this is, for error messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}

/// Limits that keep a hostile file from exhausting memory or the stack.
enum DocumentLimits {
    /// Bytes in one scenario file.
    static let maxFileBytes = 64 << 20
    /// Values in one document once YAML aliases are expanded.
    static let maxNodes = 1_000_000
    /// Nesting of lists and mappings.
    static let maxDepth = 200
}

enum DocumentError: Error {
    case syntax(String)
    case tooLarge(String)
    /// A problem at a field path (a YAML key written twice).
    case invalid(path: String, message: String)
}

extension Document {
    /// Parses YAML (the core schema: `null`, `true`/`false`, numbers, else strings).
    static func parseYAML(_ text: String) throws(DocumentError) -> Document {
        // libyaml refuses nesting past 1,000 levels itself; convert() stops at 200.
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let keys, let context) = error, let key = keys.first,
                let path = duplicatePath(text, key: key, line: context.mark.line, column: context.mark.column)
            {
                throw .invalid(path: path, message: "appears twice")
            }
            throw .syntax(Self.describe(error, in: text))
        } catch {
            throw .syntax("\(error)")
        }
        guard let node else { return .null }
        var budget = DocumentLimits.maxNodes
        return try convert(node, depth: 0, budget: &budget)
    }

    /// Parses JSON (strictly: RFC 8259).
    static func parseJSON(_ data: Data) throws(DocumentError) -> Document {
        try JSONParser.parse([UInt8](data))
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int) throws(DocumentError) -> Document {
        budget -= 1
        guard budget >= 0 else {
            throw .tooLarge("the document expands to more than \(DocumentLimits.maxNodes) values (YAML aliases?)")
        }
        guard depth <= DocumentLimits.maxDepth else {
            throw .tooLarge("lists and mappings nest more than \(DocumentLimits.maxDepth) levels deep")
        }
        switch node {
        case .scalar(let scalar):
            // A quoted scalar, or one tagged `!!str`, is text whatever it looks like.
            guard scalar.style == .plain, scalar.tag.rawValue != Tag.Name.str.rawValue else { return .string(scalar.string) }
            return resolvePlain(scalar.string)
        case .sequence(let sequence):
            var items: [Document] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1, budget: &budget)) }
            return .list(items)
        case .mapping(let mapping):
            var pairs: [(key: String, value: Document)] = []
            for (key, value) in mapping {
                guard case .scalar(let k) = key else {
                    throw .syntax("a mapping key at line \(key.mark?.line ?? 0) is not a plain value")
                }
                pairs.append((k.string, try convert(value, depth: depth + 1, budget: &budget)))
            }
            return .map(pairs)
        case .alias:
            throw .syntax("an unresolved YAML alias")
        }
    }

    /// YAML 1.2 core schema resolution of a plain scalar.
    static func resolvePlain(_ text: String) -> Document {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true, text: text)
        case "false", "False", "FALSE": return .bool(false, text: text)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(.infinity, text: text)
        case "-.inf", "-.Inf", "-.INF": return .number(-.infinity, text: text)
        case ".nan", ".NaN", ".NAN": return .number(.nan, text: text)
        default: break
        }
        if isYAMLNumber(text), let value = Double(text) { return .number(value, text: text) }
        return .string(text)
    }

    /// Decimal numbers only (``DecimalNumber``), so that `0x10`, `1_000` or `nan` stay strings.
    private static func isYAMLNumber(_ text: String) -> Bool { DecimalNumber.isWellFormed(text) }

    /// The field path of a mapping key written twice, found by renaming the occurrence Yams
    /// points at and composing again (nil when that cannot be done: the plain message stays).
    static func duplicatePath(_ text: String, key: String, line: Int, column: Int) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard line >= 1, line <= lines.count else { return nil }
        let characters = Array(lines[line - 1])
        let start = column - 1
        let keyCharacters = Array(key)
        guard start >= 0, start + keyCharacters.count <= characters.count,
            Array(characters[start..<(start + keyCharacters.count)]) == keyCharacters
        else { return nil }
        let sentinel = "rebalance-duplicate-key-\(UUID().uuidString)"
        lines[line - 1] = String(characters[..<start]) + sentinel + String(characters[(start + keyCharacters.count)...])
        guard let node = try? Yams.compose(yaml: lines.joined(separator: "\n")) else { return nil }
        func find(_ node: Node, _ path: String) -> String? {
            switch node {
            case .mapping(let mapping):
                for (k, v) in mapping {
                    let name = k.string ?? ""
                    if name == sentinel { return path.isEmpty ? key : "\(path).\(key)" }
                    if let found = find(v, path.isEmpty ? name : "\(path).\(name)") { return found }
                }
            case .sequence(let sequence):
                for (i, item) in sequence.enumerated() { if let found = find(item, "\(path)[\(i)]") { return found } }
            default: break
            }
            return nil
        }
        return find(node, "")
    }

    private static func describe(_ error: YamlError, in text: String) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            // libyaml says only "cannot start any token" where a tab indents: name the tab.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if mark.line >= 1, mark.line <= lines.count {
                let row = Array(lines[mark.line - 1])
                if mark.column >= 1, mark.column <= row.count, row[mark.column - 1] == "\t" {
                    return "invalid YAML at line \(mark.line), column \(mark.column): a tab; YAML indents with spaces only"
                }
            }
            return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)"
        case let .reader(problem, offset, _, _):
            return "invalid YAML text\(offset.map { " at byte \($0)" } ?? ""): \(problem)"
        case let .duplicatedKeysInMapping(duplicates, _):
            return "invalid YAML: duplicate keys \(duplicates.joined(separator: ", "))"
        default:
            return "invalid YAML: \(error)"
        }
    }
}
