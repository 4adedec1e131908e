import Foundation
import Yams

/// A parsed scenario file before it is given meaning: the common tree of YAML and JSON.
///
/// Scalars keep their text so that a field wanting a string (a ticker such as `ON`, an id
/// such as `1234`) gets what was written, and errors can quote it.
indirect enum Document: Sendable {
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
}

extension Document {
    /// Parses YAML (the core schema: `null`, `true`/`false`, numbers, else strings).
    static func parseYAML(_ text: String) throws(DocumentError) -> Document {
        // libyaml refuses nesting past 1,000 levels itself; convert() stops at 200.
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .syntax(Self.describe(error))
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
            return scalar.style == .plain ? resolvePlain(scalar.string) : .string(scalar.string)
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

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
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
