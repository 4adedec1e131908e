import Foundation
import Yams

/// Writes what an import read as scenario YAML: a new scenario, or an existing one with only
/// the imported parts replaced (`--into`), every other line kept byte for byte.
public enum ImportWriter {
    // MARK: A new scenario

    /// A new scenario holding the imported accounts, with a pie of what they hold now (by value,
    /// in percent to two places) for the user to edit into their targets.
    public static func newScenario(_ portfolio: ImportedPortfolio, asOf: Day) throws(ImportFailure) -> String {
        let files = portfolio.files.joined(separator: ", ")
        guard !portfolio.accounts.isEmpty else {
            throw ImportFailure([
                ImportProblem(
                    file: files,
                    message: "\(portfolio.format.rawValue) exports carry no lots; import them --into a scenario that "
                        + "has the account")
            ])
        }
        let missing = portfolio.missingPrices(scenarioPrices: [:])
        guard missing.isEmpty else { throw ImportFailure(missing) }

        var lines = header(portfolio)
        lines += [
            "# The pie holds what the accounts hold now, by value: edit it into your targets. Exports",
            "# carry no cash and no account type: set each account's cash, and its type where it is not taxable.",
            "asOf: \(asOf)",
        ]
        if let realized = portfolio.realizedThisYear { lines += ["tax:", "  " + realizedLine(realized)] }
        if let sales = portfolio.recentSales, !sales.isEmpty { lines += recentSalesLines(sales) }
        lines.append("prices:")
        for symbol in portfolio.prices.keys.sorted() { lines.append("  \(string(symbol)): \(number(portfolio.prices[symbol]!))") }
        lines += ["pie:", "  name: Current holdings", "  slices:"]
        for (symbol, weight) in currentWeights(portfolio) {
            lines.append("    - {symbol: \(string(symbol)), weight: \(weight)}")
        }
        lines.append("accounts:")
        for account in portfolio.accounts {
            lines += [
                "  - id: \(string(account.id))", "    type: \((account.type ?? .taxable).rawValue)", "    cash: 0",
            ]
            lines += lotLines(account.lots, indent: 4)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each symbol's share of the value held, in hundredths of a percent summing to exactly 100
    /// (the largest slice takes the rounding), none below 0.01.
    static func currentWeights(_ portfolio: ImportedPortfolio) -> [(String, String)] {
        var value: [String: Double] = [:]
        for account in portfolio.accounts {
            for lot in account.lots { value[lot.symbol, default: 0] += lot.shares * (portfolio.prices[lot.symbol] ?? 0) }
        }
        let total = value.values.reduce(0, +)
        let symbols = value.keys.sorted()
        // (Values too small to add up, which validation then refuses, get equal weights.)
        let share = { (s: String) in total > 0 && total.isFinite ? value[s]! / total : 1 / Double(symbols.count) }
        var basisPoints = symbols.map { max(1, Int((share($0) * 10_000).rounded())) }
        if let largest = basisPoints.indices.max(by: { basisPoints[$0] < basisPoints[$1] }) {
            basisPoints[largest] += 10_000 - basisPoints.reduce(0, +)
        }
        return zip(symbols, basisPoints).map { ($0, Money.withoutTrailingZeros(Money.fixed(Double($1) / 100, places: 2))) }
    }

    // MARK: Into an existing scenario

    /// `text` (the scenario at `path`, already validated as `scenario`) with the imported
    /// accounts' lots replaced (an account not there is added), prices the scenario lacks added,
    /// and — when the format carries sales — `recentSales` and `tax.realizedThisYear` replaced.
    /// `asOf` replaces the scenario's when given (a later one drops the recent sales it leaves
    /// behind). Pies, settings, comments and every other line are kept byte for byte.
    public static func merge(
        into text: String, path: String, scenario: Scenario, _ portfolio: ImportedPortfolio, asOf: Day?
    ) throws(ImportFailure) -> String {
        func refuse(_ message: String) -> ImportFailure { ImportFailure([ImportProblem(file: path, message: message)]) }
        let missing = portfolio.missingPrices(scenarioPrices: scenario.prices)
        guard missing.isEmpty else { throw ImportFailure(missing) }
        let known = Set(scenario.accounts.map(\.id) + portfolio.accounts.map(\.id))
        let strangers = Set((portfolio.recentSales ?? []).map(\.account)).subtracting(known).sorted()
        guard strangers.isEmpty else {
            let files = portfolio.files.joined(separator: ", ")
            throw ImportFailure(
                strangers.map {
                    ImportProblem(
                        file: files,
                        message: "the sales are of account \"\($0)\", which \(path) does not have; name its account "
                            + "with --account (it has \(scenario.accounts.map { "\"\($0.id)\"" }.joined(separator: ", ")))")
                })
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw refuse("cannot be edited: \(error)") }
        var editor = LineEditor(text: text)
        guard let root = node?.mapping, let rootNode = node, !editor.isFlow(rootNode) else {
            throw refuse("--into needs a YAML scenario written in block style (one key a line)")
        }
        let top = Extents(root, end: editor.lines.count, editor: editor)

        // The header comment: one line per format, replaced on the next import of that format.
        let stamp = "# Imported by rebalance import \(portfolio.format.rawValue):"
        let stampLine = stamp + " " + portfolio.files.joined(separator: ", ")
        // (Looked for only in the comments that open the file, outside every edited block.)
        let opening = editor.lines.prefix { $0.hasPrefix("#") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
        if let i = opening.firstIndex(where: { $0.hasPrefix(stamp) }) {
            editor.replace(i + 1...i + 1, with: [stampLine])
        } else {
            editor.insert(before: 1, [stampLine])
        }

        // asOf: only its value.
        if let asOf, asOf != scenario.asOf, let value = root["asOf"], let mark = value.mark, let old = value.scalar?.string {
            let line = editor.lines[mark.line - 1]
            let start = line.index(line.startIndex, offsetBy: mark.column - 1, limitedBy: line.endIndex) ?? line.endIndex
            let replaced =
                line[start...].hasPrefix(old)
                ? String(line[..<start]) + asOf.description + String(line[start...].dropFirst(old.count))
                : "asOf: \(asOf)"
            editor.replace(mark.line...mark.line, with: [replaced])
        }

        // Before this top-level key go the blocks the scenario lacks.
        let anchor = top.line(of: "prices") ?? top.line(of: "pie") ?? top.line(of: "accounts") ?? editor.lines.count + 1

        if let realized = portfolio.realizedThisYear {
            if let tax = root["tax"], let range = top.extent(of: "tax") {
                if let taxMap = tax.mapping, !editor.isFlow(tax), let first = taxMap.keys.first?.mark {
                    // Replaced where it is, else added as the block's last key.
                    let inner = Extents(taxMap, end: range.upperBound, editor: editor)
                    let indent = String(repeating: " ", count: first.column - 1)
                    if let r = inner.extent(of: "realizedThisYear") {
                        editor.replace(r, with: [indent + realizedLine(realized)])
                    } else {
                        editor.insert(after: range.upperBound, [indent + realizedLine(realized)])
                    }
                } else {
                    var tax = scenario.tax
                    tax.realizedThisYear = realized
                    editor.replace(range, with: ["tax:"] + taxLines(tax))
                }
            } else {
                editor.insert(before: anchor, ["tax:", "  " + realizedLine(realized)])
            }
        }

        // The exports' sales replace the scenario's; else a later asOf drops the sales it leaves
        // more than 30 days behind (they block nothing any more).
        var sales = portfolio.recentSales
        if sales == nil, let asOf, asOf > scenario.asOf {
            let current = scenario.recentSales.filter { $0.sold.days(to: asOf) <= RecentSale.windowDays }
            if current.count < scenario.recentSales.count { sales = current }
        }
        if let sales {
            let lines = sales.isEmpty ? ["recentSales: []"] : recentSalesLines(sales)
            if let range = top.extent(of: "recentSales") {
                editor.replace(range, with: lines)
            } else if !sales.isEmpty {
                editor.insert(before: anchor, lines)
            }
        }

        // Prices: the scenario's own stay as written; the exports' are added for the others.
        let added = portfolio.prices.keys.filter { scenario.prices[$0] == nil }.sorted()
        if !added.isEmpty, let pricesNode = root["prices"], let prices = pricesNode.mapping, let range = top.extent(of: "prices") {
            var pairs: [(String, String)] = prices.map { ($0.key.string ?? "", $0.value.scalar?.string ?? "") }
            pairs += added.map { (string($0), number(portfolio.prices[$0]!)) }
            if editor.isFlow(pricesNode) {
                editor.replace(range, with: ["prices: {" + pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"])
            } else {
                let indent = String(repeating: " ", count: max(2, (prices.keys.first?.mark?.column ?? 3) - 1))
                editor.insert(after: range.upperBound, added.map { "\(indent)\(string($0)): \(number(portfolio.prices[$0]!))" })
            }
        }

        // Accounts: each imported account's lots replace its own; a new account is appended.
        guard let accounts = root["accounts"]?.sequence, let accountsRange = top.extent(of: "accounts") else {
            throw refuse("has no accounts list to import into")
        }
        let items = Array(accounts)
        var newAccounts: [ImportedPortfolio.ImportedAccount] = []
        for account in portfolio.accounts where !account.lots.isEmpty {
            guard let i = items.firstIndex(where: { $0.mapping?["id"]?.scalar?.string == account.id }) else {
                newAccounts.append(account)
                continue
            }
            guard let item = items[i].mapping, !editor.isFlow(items[i]), let first = item.keys.first?.mark,
                Set(item.keys.compactMap { $0.mark?.line }).count == item.count
            else {
                throw refuse(
                    "accounts[\(i)] (\(account.id)) is written on one line; write it one key a line so that its lots "
                        + "can be replaced")
            }
            let itemEnd = i + 1 < items.count ? (items[i + 1].mark?.line ?? accountsRange.upperBound + 1) - 1 : accountsRange.upperBound
            let inner = Extents(item, end: itemEnd, editor: editor)
            let lots = lotLines(account.lots, indent: first.column - 1)
            if let r = inner.extent(of: "lots") {
                editor.replace(r, with: lots)
            } else {
                editor.insert(after: editor.trimmed(first.line...itemEnd).upperBound, lots)
            }
        }
        if !newAccounts.isEmpty {
            let keyColumn = items.first?.mapping?.keys.first?.mark?.column ?? 5
            let dash = String(repeating: " ", count: max(0, keyColumn - 3))
            let keys = String(repeating: " ", count: max(2, keyColumn - 1))
            var lines: [String] = []
            for account in newAccounts {
                lines += [
                    "\(dash)- id: \(string(account.id))", "\(keys)type: \((account.type ?? .taxable).rawValue)",
                    "\(keys)cash: 0",
                ]
                lines += lotLines(account.lots, indent: keys.count)
            }
            if items.isEmpty {
                editor.replace(accountsRange, with: ["accounts:"] + lines)
            } else {
                editor.insert(after: accountsRange.upperBound, lines)
            }
        }
        return editor.text
    }

    // MARK: Lines

    static func header(_ portfolio: ImportedPortfolio) -> [String] {
        ["# Imported by rebalance import \(portfolio.format.rawValue) from:"] + portfolio.files.map { "#   \($0)" }
    }

    static func lotLines(_ lots: [Lot], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        guard !lots.isEmpty else { return [pad + "lots: []"] }
        return [pad + "lots:"]
            + lots.map { lot in
                var fields: [String] = []
                if let id = lot.id { fields.append("id: \(string(id))") }
                fields += [
                    "symbol: \(string(lot.symbol))", "shares: \(number(lot.shares))",
                    "costBasis: \(number(lot.costBasis))", "acquired: \(lot.acquired)",
                ]
                return "\(pad)  - {\(fields.joined(separator: ", "))}"
            }
    }

    static func realizedLine(_ realized: TermAmounts) -> String {
        "realizedThisYear: {shortTerm: \(money(realized.shortTerm)), longTerm: \(money(realized.longTerm))}"
    }

    static func recentSalesLines(_ sales: [RecentSale]) -> [String] {
        ["recentSales:"]
            + sales.map {
                "  - {account: \(string($0.account)), symbol: \(string($0.symbol)), shares: \(number($0.shares)), "
                    + "loss: \(money($0.loss)), sold: \($0.sold)}"
            }
    }

    static func taxLines(_ tax: TaxSettings) -> [String] {
        [
            "  shortTermRate: \(number(tax.shortTermRate))", "  longTermRate: \(number(tax.longTermRate))",
            "  " + realizedLine(tax.realizedThisYear),
            "  carryforwardLoss: {shortTerm: \(money(tax.carryforwardLoss.shortTerm)), longTerm: \(money(tax.carryforwardLoss.longTerm))}",
            "  ordinaryOffsetLimit: \(number(tax.ordinaryOffsetLimit))",
        ]
    }

    /// Dollars to the cent.
    static func money(_ x: Double) -> String { Money.withoutTrailingZeros(Money.fixed(x, places: 2)) }

    /// The shortest text that reads back as the same number.
    static func number(_ x: Double) -> String { Scenario.number(x) }

    /// A YAML scalar that reads back as this text: plain when safe, else double-quoted.
    static func string(_ s: String) -> String {
        let plainSafe =
            !s.isEmpty && s.first!.isLetter
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-/".contains($0)) }
        if plainSafe, case .string = Document.resolvePlain(s) { return s }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 { out += String(format: "\\x%02X", c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}

/// The lines of a text, edited by line number (1-based); edits are applied last to first so
/// that earlier line numbers stay valid.
struct LineEditor {
    private(set) var lines: [String]
    private var edits: [(start: Int, end: Int, order: Int, lines: [String])] = []
    private let endsWithNewline: Bool

    init(text: String) {
        endsWithNewline = text.hasSuffix("\n")
        var lines = text.components(separatedBy: "\n")
        if endsWithNewline { lines.removeLast() }
        self.lines = lines
    }

    /// Replaces lines `range` (1-based, inclusive).
    mutating func replace(_ range: ClosedRange<Int>, with new: [String]) {
        edits.append((range.lowerBound, range.upperBound + 1, edits.count, new))
    }

    mutating func insert(before line: Int, _ new: [String]) {
        edits.append((line, line, edits.count, new))
    }

    mutating func insert(after line: Int, _ new: [String]) { insert(before: line + 1, new) }

    /// Whether a list or mapping is written in flow style (`[…]`, `{…}`).
    func isFlow(_ node: Node) -> Bool {
        guard let mark = node.mark, mark.line >= 1, mark.line <= lines.count else { return false }
        let line = Array(lines[mark.line - 1].unicodeScalars)
        guard mark.column >= 1, mark.column <= line.count else { return false }
        return line[mark.column - 1] == "{" || line[mark.column - 1] == "["
    }

    /// `range` without its trailing blank and comment-only lines (they belong to what follows).
    func trimmed(_ range: ClosedRange<Int>) -> ClosedRange<Int> {
        var end = range.upperBound
        while end > range.lowerBound {
            let t = lines[end - 1].trimmingCharacters(in: .whitespaces)
            guard t.isEmpty || t.hasPrefix("#") else { break }
            end -= 1
        }
        return range.lowerBound...end
    }

    var text: String {
        var out = lines
        // Last first; at one line, the later edit first, so that the earlier one ends up before it.
        for edit in edits.sorted(by: { ($0.start, $0.order) > ($1.start, $1.order) }) {
            out.replaceSubrange((edit.start - 1)..<(edit.end - 1), with: edit.lines)
        }
        return out.joined(separator: "\n") + (endsWithNewline ? "\n" : "")
    }
}

/// The lines each key of a block mapping spans: from its key to the line before the next key
/// (or the mapping's end), without trailing blank and comment lines.
struct Extents {
    private var ranges: [String: ClosedRange<Int>] = [:]

    init(_ mapping: Node.Mapping, end: Int, editor: LineEditor) {
        let keys = mapping.keys
        for (k, key) in keys.enumerated() {
            guard let name = key.string, let start = key.mark?.line else { continue }
            let next = k + 1 < keys.count ? (keys[k + 1].mark?.line ?? end + 1) - 1 : end
            ranges[name] = editor.trimmed(start...max(start, next))
        }
    }

    func extent(of key: String) -> ClosedRange<Int>? { ranges[key] }
    func line(of key: String) -> Int? { ranges[key]?.lowerBound }
}
