import Foundation

/// Gives a ``Document`` the meaning of docs/scenario-format.md, collecting every problem with its field path
/// instead of stopping at the first.
struct ScenarioReader {
    private(set) var issues: [ScenarioIssue] = []
    /// Whether a value was dropped or defaulted because it could not be read (an unknown key
    /// drops nothing): checks that add values up are then skipped rather than misled.
    private(set) var lossy = false
    /// Where each account and lot kept came from in the file, for error paths.
    private(set) var paths = ScenarioPaths()

    /// When set, ``fields(_:_:allowed:)`` records the keys each mapping it reads accepts, by a
    /// path without indices (`accounts[].lots[]`; a pie slice, a leaf or a sub-pie, has two sets):
    /// the test holding `schema/scenario.schema.json` to the reader reads them.
    var recordsKeys = false
    private(set) var acceptedKeys: [String: Set<Set<String>>] = [:]

    /// Symbols whose price was given but refused (zero, negative, not a number): their uses
    /// are not reported again as having no price.
    private(set) var refusedPrices: Set<String> = []

    /// The prices read (before any pie), for the alternates' check.
    private var prices: [String: Double]?
    /// The classes of the pie being read: each member's class (its leaf symbol) and the field
    /// that put it there.
    private var classOwners: [String: (symbol: String, path: String)] = [:]
    static let oneClass = "a symbol belongs to one class of a pie"

    /// The deepest pie nesting read.
    static let maxPieDepth = 32

    mutating func report(_ path: String, _ message: String, dropsNothing: Bool = false) {
        issues.append(ScenarioIssue(path: path, message: message))
        if !dropsNothing { lossy = true }
    }

    /// Reads the whole scenario; nil when a required part is missing or unusable.
    mutating func scenario(_ document: Document) -> Scenario? {
        guard let top = fields(document, "", allowed: ["name", "asOf", "tax", "washSale", "recentSales", "prices", "pie", "accounts", "strategies"])
        else { return nil }
        let name = string(top, "name", required: false)
        let asOf = date(top, "asOf")
        var tax = TaxSettings()
        if let document = top["tax"] { tax = taxSettings(document, "tax") }
        var prices: [String: Double]?
        if let document = top["prices"] { prices = priceTable(document, "prices") } else { report("prices", "is required") }
        self.prices = prices
        var householdPie: Pie?
        if let document = top["pie"] { householdPie = pie(document, "pie", depth: 1, isSlice: false)?.pie }
        var accounts: [Account] = []
        if let list = list(top, "accounts") {
            if list.isEmpty { report("accounts", "must list at least one account") }
            for (i, item) in list.enumerated() {
                let before = paths.lots.count
                if let account = account(item, "accounts[\(i)]") {
                    accounts.append(account)
                    paths.accounts.append(i)
                } else {
                    paths.lots.removeSubrange(before...)
                }
            }
        }
        var identicalGroups: [[String]] = []
        if let document = top["washSale"] { identicalGroups = washSale(document, "washSale") }
        var recentSales: [RecentSale] = []
        if let list = list(top, "recentSales", required: false) {
            for (i, item) in list.enumerated() {
                if let sale = recentSale(item, "recentSales[\(i)]") {
                    recentSales.append(sale)
                    paths.recentSales.append(i)
                }
            }
        }
        var strategies: [Strategy]?
        if let list = list(top, "strategies", required: false) {
            strategies = []
            for (i, item) in list.enumerated() {
                let path = "strategies[\(i)]"
                guard let text = scalarText(item, path) else { continue }
                do throws(StrategyError) {
                    strategies?.append(try Strategy(parsing: text))
                } catch {
                    report(path, error.description)
                }
            }
        }
        guard let asOf, let prices else { return nil }
        return Scenario(
            name: name, asOf: asOf, tax: tax, prices: prices, pie: householdPie, accounts: accounts, strategies: strategies,
            recentSales: recentSales, identicalGroups: identicalGroups)
    }

    /// `washSale: {identical: [[VOO, IVV], …]}`: groups of substantially identical symbols, a
    /// symbol in at most one group.
    private mutating func washSale(_ document: Document, _ path: String) -> [[String]] {
        guard let f = fields(document, path, allowed: ["identical"]), let groups = list(f, "identical", required: false)
        else { return [] }
        var out: [[String]] = []
        var seen: [String: String] = [:]
        for (i, item) in groups.enumerated() {
            let p = "\(f.path("identical"))[\(i)]"
            guard case .list(let items) = item else {
                report(p, "must be a list of symbols, got \(item.kindName)")
                continue
            }
            var group: [String] = []
            for (j, symbol) in symbolEntries(items, p) {
                if let first = seen[symbol] {
                    report("\(p)[\(j)]", "\(symbol) is already in \(first); a symbol may be in one identical group only")
                } else {
                    seen[symbol] = p
                    group.append(symbol)
                }
            }
            if !group.isEmpty { out.append(group) }
        }
        return out
    }

    // MARK: Parts

    private mutating func taxSettings(_ document: Document, _ path: String) -> TaxSettings {
        var tax = TaxSettings()
        guard
            let f = fields(
                document, path,
                allowed: [
                    "shortTermRate", "longTermRate", "realizedThisYear", "carryforwardLoss", "ordinaryOffsetLimit",
                    "tradingCost",
                ])
        else { return tax }
        if let r = number(f, "shortTermRate", rule: .fraction) { tax.shortTermRate = r }
        if let r = number(f, "longTermRate", rule: .fraction) { tax.longTermRate = r }
        if let d = f["realizedThisYear"] { tax.realizedThisYear = termAmounts(d, f.path("realizedThisYear"), rule: .any) }
        if let d = f["carryforwardLoss"] {
            tax.carryforwardLoss = termAmounts(d, f.path("carryforwardLoss"), rule: .nonNegative)
        }
        if let l = number(f, "ordinaryOffsetLimit", rule: .nonNegative) { tax.ordinaryOffsetLimit = l }
        if let c = number(f, "tradingCost", rule: .fraction) { tax.tradingCost = c }
        return tax
    }

    private mutating func termAmounts(_ document: Document, _ path: String, rule: NumberRule) -> TermAmounts {
        guard let f = fields(document, path, allowed: ["shortTerm", "longTerm"]) else { return TermAmounts() }
        return TermAmounts(
            shortTerm: number(f, "shortTerm", rule: rule) ?? 0, longTerm: number(f, "longTerm", rule: rule) ?? 0)
    }

    private mutating func priceTable(_ document: Document, _ path: String) -> [String: Double] {
        guard case .map(let pairs) = document else {
            report(path, "must be a mapping of symbol to price, got \(document.kindName)")
            return [:]
        }
        var prices: [String: Double] = [:]
        for (symbol, value) in pairs {
            let p = "\(path).\(symbol)"
            if prices[symbol] != nil {
                report(p, "appears twice")
                continue
            }
            if let price = number(value, p, rule: .positive) { prices[symbol] = price } else { refusedPrices.insert(symbol) }
        }
        return prices
    }

    /// A pie (or, when `isSlice`, a sub-pie slice with its weight).
    private mutating func pie(_ document: Document, _ path: String, depth: Int, isSlice: Bool) -> (pie: Pie, weight: Double?)? {
        guard depth <= Self.maxPieDepth else {
            report(path, "pies nest more than \(Self.maxPieDepth) levels deep")
            return nil
        }
        if !isSlice { classOwners = [:] }
        let allowed = isSlice ? ["name", "weight", "slices"] : ["name", "slices"]
        guard let f = fields(document, path, allowed: allowed) else { return nil }
        let name = string(f, "name", required: false)
        let weight = isSlice ? number(f, "weight", rule: .positive, required: true) : nil
        guard let items = list(f, "slices") else { return nil }
        let slicesPath = f.path("slices")
        if items.isEmpty {
            report(slicesPath, "a pie needs at least one slice")
            return nil
        }
        var slices: [Slice] = []
        var complete = true
        for (i, item) in items.enumerated() {
            let p = "\(slicesPath)[\(i)]"
            if let slice = slice(item, p, depth: depth) { slices.append(slice) } else { complete = false }
        }
        if complete {
            // "Within 0.01 either way", exactly: the weights are summed as the decimals written
            // (33.33 × 3 = 99.99 is within, 100.02 is not), whatever their binary rounding.
            if let sum = Self.exactMillionths(of: items), abs(sum - 100_000_000) <= 10_000 {
                // Within 0.01 of 100, summed exactly in millionths (most pies): no Decimal needed.
            } else if let sum = Self.exactSum(of: items) {
                if abs(sum - 100) > Decimal(string: "0.01")! {
                    report(slicesPath, "weights must sum to 100, got \(sum)")
                }
            } else {
                let sum = slices.reduce(0) { $0 + $1.weight }
                if abs(sum - 100) > 0.01 {
                    report(slicesPath, "weights must sum to 100, got \(Self.format(sum))")
                }
            }
        }
        guard complete, !isSlice || weight != nil else { return nil }
        return (Pie(name: name, slices: slices), weight)
    }

    /// The exact sum of the slices' weights as written, in millionths, where each is digits with
    /// at most 6 decimals and 15 digits in all (nil otherwise: `exactSum` decides).
    static func exactMillionths(of items: [Document]) -> Int64? {
        var sum: Int64 = 0
        for item in items {
            guard case .map(let pairs) = item, let weight = pairs.first(where: { $0.key == "weight" })?.value,
                case .number(_, let text) = weight, let value = millionths(text)
            else { return nil }
            sum += value
        }
        return sum
    }

    /// `12.5` → 12,500,000; nil for a sign, an exponent, more than 6 decimals or 15 digits.
    static func millionths(_ text: String) -> Int64? {
        var units: Int64 = 0, digits = 0, decimals = -1
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                units = units * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
                if decimals >= 0 { decimals += 1 }
            case UInt8(ascii: "."):
                guard decimals < 0 else { return nil }
                decimals = 0
            default:
                return nil
            }
        }
        guard digits > 0, digits <= 15, decimals <= 6 else { return nil }
        for _ in 0..<(6 - max(decimals, 0)) { units *= 10 }
        return units
    }

    /// The exact sum of the slices' weights as written (nil if one is not a plain decimal).
    static func exactSum(of items: [Document]) -> Decimal? {
        var sum = Decimal(0)
        for item in items {
            guard case .map(let pairs) = item, let weight = pairs.first(where: { $0.key == "weight" })?.value,
                case .number(_, let text) = weight, let value = DecimalNumber.exact(text)
            else { return nil }
            sum += value
        }
        return sum
    }

    private mutating func slice(_ document: Document, _ path: String, depth: Int) -> Slice? {
        guard case .map(let pairs) = document else {
            report(path, "must be a mapping with symbol and weight, or a sub-pie with slices, got \(document.kindName)")
            return nil
        }
        switch (pairs.contains { $0.key == "symbol" }, pairs.contains { $0.key == "slices" }) {
        case (true, true):
            report(path, "a slice has either symbol (a leaf) or slices (a sub-pie), not both")
            return nil
        case (false, false):
            report(path, "a slice needs symbol (a leaf) or slices (a sub-pie)")
            return nil
        case (true, false):
            guard let f = fields(document, path, allowed: ["symbol", "weight", "alternates"]) else { return nil }
            let symbol = string(f, "symbol")
            let weight = number(f, "weight", rule: .positive, required: true)
            guard let symbol else { return nil }
            // Classes (docs/scenario-format.md): a symbol belongs to one class of a pie, named by its leaf symbol.
            if let owner = classOwners[symbol], owner.symbol != symbol {
                report(
                    f.path("symbol"), "\(symbol) is already an alternate of \(owner.symbol) (\(owner.path)); \(Self.oneClass)",
                    dropsNothing: true)
            } else if classOwners[symbol] == nil {
                classOwners[symbol] = (symbol, f.path("symbol"))
            }
            var alternates: [String] = []
            if let items = list(f, "alternates", required: false) {
                for (i, alternate) in symbolEntries(items, f.path("alternates")) {
                    let p = "\(f.path("alternates"))[\(i)]"
                    if alternate == symbol {
                        report(p, "\(alternate) is the slice's own symbol", dropsNothing: true)
                        continue
                    }
                    if let owner = classOwners[alternate], owner.symbol != symbol {
                        let role = owner.symbol == alternate ? "the symbol of another slice" : "already an alternate of \(owner.symbol)"
                        report(p, "\(alternate) is \(role) (\(owner.path)); \(Self.oneClass)", dropsNothing: true)
                        continue
                    }
                    if classOwners[alternate] == nil { classOwners[alternate] = (symbol, p) }
                    if let prices, prices[alternate] == nil, !refusedPrices.contains(alternate) {
                        report(p, "no price for \"\(alternate)\" in prices", dropsNothing: true)
                    }
                    alternates.append(alternate)
                }
            }
            guard let weight else { return nil }
            return Slice(weight: weight, content: .symbol(symbol), alternates: alternates)
        case (false, true):
            guard let (inner, weight) = pie(document, path, depth: depth + 1, isSlice: true), let weight else { return nil }
            return Slice(weight: weight, content: .pie(inner))
        }
    }

    private mutating func account(_ document: Document, _ path: String) -> Account? {
        guard let f = fields(document, path, allowed: ["id", "type", "cash", "flow", "minCash", "wholeShares", "minTrade", "canBuy", "lots", "pie"])
        else { return nil }
        let id = string(f, "id")
        var type: AccountType?
        if let text = string(f, "type") {
            type = AccountType(rawValue: text)
            if type == nil {
                report(f.path("type"), "must be taxable, taxDeferred or taxExempt, got \"\(text)\"")
            }
        }
        let cash = number(f, "cash", rule: .nonNegative) ?? 0
        let flow = number(f, "flow", rule: .any) ?? 0
        let minCash = number(f, "minCash", rule: .nonNegative) ?? 0
        let wholeShares = bool(f, "wholeShares") ?? false
        let minTrade = number(f, "minTrade", rule: .nonNegative) ?? 0
        var canBuy: [String]?
        if let items = list(f, "canBuy", required: false) {
            canBuy = symbolList(items, f.path("canBuy"))
        }
        var lots: [Lot] = []
        var lotSources: [Int] = []
        if let items = list(f, "lots", required: false) {
            let lotsPath = f.path("lots")
            for (i, item) in items.enumerated() {
                if let lot = lot(item, FieldPath(lotsPath, index: i)) {
                    lots.append(lot)
                    lotSources.append(i)
                }
            }
        }
        paths.lots.append(lotSources)
        var ownPie: Pie?
        if let document = f["pie"] { ownPie = pie(document, f.path("pie"), depth: 1, isSlice: false)?.pie }
        guard let id, let type else { return nil }
        return Account(
            id: id, type: type, cash: cash, flow: flow, minCash: minCash, lots: lots, pie: ownPie, canBuy: canBuy,
            wholeShares: wholeShares, minTrade: minTrade)
    }

    private mutating func lot(_ document: Document, _ path: FieldPath) -> Lot? {
        guard let f = fields(document, path, allowed: ["id", "symbol", "shares", "costBasis", "acquired", "doNotSell"]) else {
            return nil
        }
        let id = string(f, "id", required: false)
        let symbol = string(f, "symbol")
        let shares = number(f, "shares", rule: .positive, required: true)
        let costBasis = number(f, "costBasis", rule: .nonNegative, required: true)
        let acquired = date(f, "acquired")
        let doNotSell = bool(f, "doNotSell") ?? false
        guard let symbol, let shares, let costBasis, let acquired else { return nil }
        return Lot(id: id, symbol: symbol, shares: shares, costBasis: costBasis, acquired: acquired, doNotSell: doNotSell)
    }

    private mutating func recentSale(_ document: Document, _ path: String) -> RecentSale? {
        guard let f = fields(document, path, allowed: ["account", "symbol", "shares", "loss", "sold"]) else { return nil }
        let account = string(f, "account")
        let symbol = string(f, "symbol")
        let shares = number(f, "shares", rule: .positive, required: true)
        let loss = number(f, "loss", rule: .nonNegative, required: true)
        let sold = date(f, "sold")
        guard let account, let symbol, let shares, let loss, let sold else { return nil }
        return RecentSale(account: account, symbol: symbol, shares: shares, loss: loss, sold: sold)
    }

    // MARK: Fields

    /// A mapping's path, `parent` or `parent[index]`, written out only when a message needs it:
    /// a lot's path cost more to build than the lot to read.
    struct FieldPath {
        let parent: String
        let index: Int?
        init(_ parent: String, index: Int? = nil) {
            self.parent = parent
            self.index = index
        }
        var text: String { index.map { "\(parent)[\($0)]" } ?? parent }
    }

    struct Fields {
        let at: FieldPath
        var base: String { at.text }
        /// Each allowed key given, once, in file order (a handful: a scan beats hashing).
        let values: [(key: String, value: Document)]
        subscript(key: String) -> Document? { values.first { $0.key == key }?.value }
        func path(_ key: String) -> String {
            let base = self.base
            return base.isEmpty ? key : "\(base).\(key)"
        }
    }

    /// A mapping's fields; reports a non-mapping, unknown keys and repeated keys.
    mutating func fields(_ document: Document, _ path: String, allowed: [String]) -> Fields? {
        fields(document, FieldPath(path), allowed: allowed)
    }

    mutating func fields(_ document: Document, _ at: FieldPath, allowed: [String]) -> Fields? {
        if recordsKeys { acceptedKeys[Self.place(at.text), default: []].insert(Set(allowed)) }
        guard case .map(let pairs) = document else {
            let path = at.text
            report(path.isEmpty ? "(top level)" : path, "must be a mapping, got \(document.kindName)")
            return nil
        }
        // Nearly always every key is allowed and written once: the pairs as they are (copying
        // them was a third of reading a lot).
        if pairs.indices.allSatisfy({ k in
            allowed.contains(pairs[k].key) && !pairs[..<k].contains { $0.key == pairs[k].key }
        }) {
            return Fields(at: at, values: pairs)
        }
        var values: [(key: String, value: Document)] = []
        values.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            func p() -> String {
                let shown = Self.shortened(key)
                let path = at.text
                return path.isEmpty ? shown : "\(path).\(shown)"
            }
            if !allowed.contains(key) {
                report(p(), "unknown key; expected one of \(allowed.joined(separator: ", "))", dropsNothing: true)
            } else if values.contains(where: { $0.key == key }) {
                report(p(), "appears twice")
            } else {
                values.append((key, value))
            }
        }
        return Fields(at: at, values: values)
    }

    mutating func list(_ f: Fields, _ key: String, required: Bool = true) -> [Document]? {
        guard let value = f[key] else {
            if required { report(f.path(key), "is required") }
            return nil
        }
        guard case .list(let items) = value else {
            report(f.path(key), "must be a list, got \(value.kindName)")
            return nil
        }
        return items
    }

    mutating func string(_ f: Fields, _ key: String, required: Bool = true) -> String? {
        guard let value = f[key] else {
            if required { report(f.path(key), "is required") }
            return nil
        }
        guard let text = scalarText(value, f.path(key)) else { return nil }
        if text.isBlank {
            report(f.path(key), "must not be empty")
            return nil
        }
        return text
    }

    /// The text of a scalar (a ticker written `ON` or an id written `1234` is text too).
    mutating func scalarText(_ value: Document, _ path: @autoclosure () -> String) -> String? {
        switch value {
        case .string(let s): return s
        case .number(_, let text), .bool(_, let text): return text
        default:
            report(path(), "must be a string, got \(value.kindName)")
            return nil
        }
    }

    /// A list of symbols (`canBuy`, `alternates`, an identical group): each a non-empty text,
    /// none twice.
    mutating func symbolList(_ items: [Document], _ path: String) -> [String] {
        symbolEntries(items, path).map(\.symbol)
    }

    /// The symbols of ``symbolList(_:_:)`` with the index each has in the file (a symbol
    /// refused or listed twice leaves a gap), for the messages of later checks.
    mutating func symbolEntries(_ items: [Document], _ path: String) -> [(index: Int, symbol: String)] {
        var entries: [(index: Int, symbol: String)] = []
        for (i, item) in items.enumerated() {
            let p = "\(path)[\(i)]"
            guard let text = scalarText(item, p) else { continue }
            if text.isBlank {
                report(p, "must not be empty")
            } else if entries.contains(where: { $0.symbol == text }) {
                report(p, "\(text) is listed twice", dropsNothing: true)
            } else {
                entries.append((i, text))
            }
        }
        return entries
    }

    /// An optional boolean (`true` or `false`).
    mutating func bool(_ f: Fields, _ key: String) -> Bool? {
        guard let value = f[key] else { return nil }
        guard case .bool(let b, _) = value else {
            report(f.path(key), "must be true or false, got \(value.kindName)")
            return nil
        }
        return b
    }

    mutating func date(_ f: Fields, _ key: String) -> Day? {
        guard let value = f[key] else {
            report(f.path(key), "is required")
            return nil
        }
        guard let text = scalarText(value, f.path(key)) else { return nil }
        guard let day = Day(text) else {
            report(f.path(key), "must be a date written YYYY-MM-DD, got \"\(text)\"")
            return nil
        }
        return day
    }

    enum NumberRule {
        case any, positive, nonNegative, fraction
    }

    mutating func number(_ f: Fields, _ key: String, rule: NumberRule, required: Bool = false) -> Double? {
        guard let value = f[key] else {
            if required { report(f.path(key), "is required") }
            return nil
        }
        return number(value, f.path(key), rule: rule)
    }

    /// The path is built only when there is something to report.
    mutating func number(_ value: Document, _ path: @autoclosure () -> String, rule: NumberRule) -> Double? {
        guard case .number(let x, let text) = value else {
            let shown: String
            if case .string(let s) = value { shown = " \"\(s)\"" } else { shown = "" }
            report(path(), "must be a number, got \(value.kindName)\(shown)")
            return nil
        }
        guard x.isFinite else {
            report(path(), "must be a finite number, got \(text)")
            return nil
        }
        guard abs(x) <= Self.largestNumber else {
            report(path(), "must be at most 1e12 in magnitude, got \(text)")
            return nil
        }
        switch rule {
        case .any: return x
        case .positive where x >= Self.smallestPositive: return x
        case .positive where x > 0:
            report(path(), "must be at least 0.000001, got \(text)")
            return nil
        case .nonNegative where x >= 0: return x
        case .fraction where (0...1).contains(x): return x
        case .positive: report(path(), "must be > 0, got \(text)")
        case .nonNegative: report(path(), "must be ≥ 0, got \(text)")
        case .fraction: report(path(), "must be a fraction between 0 and 1, got \(text)")
        }
        return nil
    }

    /// A key as shown in a message: at most 60 characters, with how long it really was.
    static func shortened(_ key: String) -> String {
        guard key.count > 60 else { return key }
        return String(key.prefix(40)) + "… (\(key.utf8.count) bytes)"
    }

    /// The largest magnitude any number may have (a trillion dollars or shares).
    static let largestNumber = 1e12
    /// The smallest price or share count read (a millionth: below it the values are noise).
    static let smallestPositive = 1e-6

    /// A field path without its list indices: `accounts[2].lots[0]` → `accounts[].lots[]`.
    static func place(_ path: String) -> String {
        var place = ""
        var inBrackets = false
        for c in path {
            switch c {
            case "[":
                inBrackets = true
                place.append("[]")
            case "]": inBrackets = false
            default: if !inBrackets { place.append(c) }
            }
        }
        return place
    }

    static func format(_ x: Double) -> String {
        let rounded = (x * 1e6).rounded() / 1e6
        return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : "\(rounded)"
    }
}

extension String {
    /// Empty once spaces and tabs are trimmed (as ``trimmedSpaces``), without building the trimmed text.
    var isBlank: Bool { utf8.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") } }
}

/// Maps the accounts and lots a reader kept back to their places in the file.
struct ScenarioPaths {
    /// The file index of each account kept.
    var accounts: [Int] = []
    /// The file index of each lot kept, per account kept.
    var lots: [[Int]] = []
    /// The file index of each recent sale kept.
    var recentSales: [Int] = []

    func recentSale(_ i: Int) -> String {
        "recentSales[\(i < recentSales.count ? recentSales[i] : i)]"
    }

    func account(_ a: Int) -> String {
        "accounts[\(a < accounts.count ? accounts[a] : a)]"
    }

    func lot(_ a: Int, _ l: Int) -> String {
        let index = a < lots.count && l < lots[a].count ? lots[a][l] : l
        return "\(account(a)).lots[\(index)]"
    }
}
