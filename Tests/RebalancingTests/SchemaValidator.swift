import Foundation
@testable import Rebalancing

/// A validator for the subset of JSON Schema (draft 2020-12) that `schema/scenario.schema.json`
/// uses: `$ref` to a local pointer, `type`, `properties`, `required`, `additionalProperties`,
/// `items`, `enum`, `minimum`, `maximum`, `minLength`, `minItems`, `pattern` and `oneOf`, plus the
/// annotations (`$schema`, `$id`, `$defs`, `title`, `description`, `default`). A schema using any
/// other keyword is refused, so that nothing the file says is silently ignored.
struct SchemaValidator {
    let root: Document

    static let annotations: Set<String> = ["$schema", "$id", "$defs", "title", "description", "default"]
    static let keywords: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "minimum", "maximum",
        "minLength", "minItems", "pattern", "oneOf",
    ]

    struct UnsupportedKeyword: Error, CustomStringConvertible {
        let pointer: String
        let keyword: String
        var description: String { "\(pointer): the test's validator does not implement \(keyword)" }
    }

    init(schema: Document) throws {
        root = schema
        try Self.checkKeywords(schema, "#")
    }

    private static func checkKeywords(_ schema: Document, _ pointer: String) throws {
        guard case .map(let pairs) = schema else { return }
        for (key, value) in pairs {
            guard annotations.contains(key) || keywords.contains(key) else {
                throw UnsupportedKeyword(pointer: pointer, keyword: key)
            }
            switch key {
            case "properties", "$defs":
                guard case .map(let members) = value else { continue }
                for (name, sub) in members { try checkKeywords(sub, "\(pointer)/\(key)/\(name)") }
            case "items", "additionalProperties":
                try checkKeywords(value, "\(pointer)/\(key)")
            case "oneOf":
                guard case .list(let branches) = value else { continue }
                for (i, sub) in branches.enumerated() { try checkKeywords(sub, "\(pointer)/oneOf/\(i)") }
            default: continue
            }
        }
    }

    /// Every way `instance` breaks the schema, each as `field path: problem`; empty when valid.
    func errors(of instance: Document) -> [String] {
        var errors: [String] = []
        check(instance, against: root, at: "", into: &errors)
        return errors
    }

    /// The schema a local `$ref` (`#/$defs/pie`) points to.
    func resolve(_ reference: String) -> Document? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for token in reference.dropFirst().split(separator: "/") {
            guard let next = node.member(String(token)) else { return nil }
            node = next
        }
        return node
    }

    private func check(_ value: Document, against schema: Document, at path: String, into errors: inout [String]) {
        func fail(_ message: String) { errors.append("\(path.isEmpty ? "(top level)" : path): \(message)") }
        if case .bool(let allowed, _) = schema {
            if !allowed { fail("is not allowed") }
            return
        }
        if case .string(let reference)? = schema.member("$ref") {
            guard let target = resolve(reference) else { return fail("the schema's $ref \(reference) leads nowhere") }
            check(value, against: target, at: path, into: &errors)
        }
        if let type = schema.member("type") {
            let names: [String]
            switch type {
            case .string(let name): names = [name]
            case .list(let items): names = items.compactMap(\.stringValue)
            default: names = []
            }
            guard names.contains(where: { value.hasType($0) }) else {
                return fail("must be \(names.joined(separator: " or ")), got \(value.kindName)")
            }
        }
        if case .list(let options)? = schema.member("enum"), !options.contains(where: { $0.sameValue(as: value) }) {
            fail("must be one of \(options.compactMap(\.stringValue).joined(separator: ", ")), got \(value.text)")
        }
        if case .number(let x, _) = value {
            if case .number(let minimum, _)? = schema.member("minimum"), !(x >= minimum) {
                fail("must be ≥ \(minimum), got \(value.text)")
            }
            if case .number(let maximum, _)? = schema.member("maximum"), !(x <= maximum) {
                fail("must be ≤ \(maximum), got \(value.text)")
            }
        }
        if case .string(let text) = value {
            if case .number(let minimum, _)? = schema.member("minLength"), Double(text.count) < minimum {
                fail("must have at least \(Int(minimum)) characters")
            }
            if case .string(let pattern)? = schema.member("pattern") {
                let regex = try? NSRegularExpression(pattern: pattern)
                let range = NSRange(text.startIndex..., in: text)
                if regex?.firstMatch(in: text, range: range) == nil { fail("must match \(pattern), got \"\(text)\"") }
            }
        }
        if case .list(let items) = value {
            if case .number(let minimum, _)? = schema.member("minItems"), Double(items.count) < minimum {
                fail("must have at least \(Int(minimum)) items")
            }
            if let itemSchema = schema.member("items") {
                for (i, item) in items.enumerated() { check(item, against: itemSchema, at: "\(path)[\(i)]", into: &errors) }
            }
        }
        if case .map(let pairs) = value {
            let properties = schema.member("properties")
            if case .list(let required)? = schema.member("required") {
                for case .string(let key) in required where !pairs.contains(where: { $0.key == key }) {
                    errors.append("\(join(path, key)): is required")
                }
            }
            for (key, member) in pairs {
                if let sub = properties?.member(key) {
                    check(member, against: sub, at: join(path, key), into: &errors)
                } else if let extra = schema.member("additionalProperties") {
                    if case .bool(false, _) = extra {
                        errors.append("\(join(path, key)): is not a known key")
                    } else {
                        check(member, against: extra, at: join(path, key), into: &errors)
                    }
                }
            }
        }
        if case .list(let branches)? = schema.member("oneOf") {
            var failures: [[String]] = []
            for branch in branches {
                var branchErrors: [String] = []
                check(value, against: branch, at: path, into: &branchErrors)
                failures.append(branchErrors)
            }
            let matches = failures.filter(\.isEmpty).count
            if matches == 0 {
                fail("matches none of its \(branches.count) forms: " + failures.map { $0.joined(separator: "; ") }.joined(separator: " | "))
            } else if matches > 1 {
                fail("matches \(matches) of its forms, not exactly one")
            }
        }
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: Keys

    /// The subschemas that apply at a schema node: itself, what its `$ref` points to and its
    /// `oneOf` branches, each with its JSON pointer.
    func expand(_ schema: Document, _ pointer: String) -> [(pointer: String, schema: Document)] {
        var result = [(pointer, schema)]
        if case .string(let reference)? = schema.member("$ref"), let target = resolve(reference) {
            result += expand(target, reference)
        }
        if case .list(let branches)? = schema.member("oneOf") {
            for (i, branch) in branches.enumerated() { result += expand(branch, "\(pointer)/oneOf/\(i)") }
        }
        return result
    }

    /// The key sets of the objects the schema allows at a place written as the reader records it
    /// (`accounts[].lots[]`, `""` for the top level): one per `oneOf` form; empty when none.
    func keys(at place: String) -> [Set<String>] {
        var nodes = expand(root, "#")
        for step in Self.steps(place) {
            var next: [(pointer: String, schema: Document)] = []
            for (pointer, schema) in nodes {
                if step == "[]" {
                    if let items = schema.member("items") { next += expand(items, "\(pointer)/items") }
                } else if let sub = schema.member("properties")?.member(step) {
                    next += expand(sub, "\(pointer)/properties/\(step)")
                }
            }
            nodes = next
        }
        return nodes.compactMap { $0.schema.member("properties")?.keys }.map(Set.init)
    }

    /// Every place where the schema describes an object with properties, following `$ref`s but
    /// not around a cycle (a pie's slices are listed once, not forever).
    func objectPlaces() -> Set<String> {
        var places: Set<String> = []
        func walk(_ nodes: [(pointer: String, schema: Document)], _ place: String, _ seen: Set<String>) {
            let fresh = nodes.filter { !seen.contains($0.pointer) }
            guard !fresh.isEmpty else { return }
            let seen = seen.union(fresh.map(\.pointer))
            for (pointer, schema) in fresh {
                if case .map(let properties)? = schema.member("properties") {
                    places.insert(place)
                    for (key, sub) in properties {
                        walk(expand(sub, "\(pointer)/properties/\(key)"), place.isEmpty ? key : "\(place).\(key)", seen)
                    }
                }
                if let items = schema.member("items") { walk(expand(items, "\(pointer)/items"), place + "[]", seen) }
            }
        }
        walk(expand(root, "#"), "", [])
        return places
    }

    /// `accounts[].lots[]` → `accounts`, `[]`, `lots`, `[]`.
    static func steps(_ place: String) -> [String] {
        var steps: [String] = []
        for component in place.split(separator: ".") {
            var name = Substring(component)
            var lists = 0
            while name.hasSuffix("[]") {
                name = name.dropLast(2)
                lists += 1
            }
            if !name.isEmpty { steps.append(String(name)) }
            steps += Array(repeating: "[]", count: lists)
        }
        return steps
    }
}

extension Document {
    func member(_ key: String) -> Document? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    var keys: [String]? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.map(\.key)
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as written, for messages.
    var text: String {
        switch self {
        case .null: "null"
        case .bool(_, let text), .number(_, let text): text
        case .string(let s): "\"\(s)\""
        case .list: "a list"
        case .map: "a mapping"
        }
    }

    func hasType(_ name: String) -> Bool {
        switch (name, self) {
        case ("object", .map), ("array", .list), ("string", .string), ("number", .number), ("boolean", .bool),
            ("null", .null):
            true
        case ("integer", .number(let x, _)): x == x.rounded()
        default: false
        }
    }

    func sameValue(as other: Document) -> Bool {
        switch (self, other) {
        case (.null, .null): true
        case (.bool(let a, _), .bool(let b, _)): a == b
        case (.number(let a, _), .number(let b, _)): a == b
        case (.string(let a), .string(let b)): a == b
        default: false
        }
    }
}
