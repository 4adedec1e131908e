import Foundation

/// The broker exports `rebalance import` reads.
public enum ImportFormat: String, CaseIterable, Sendable {
    /// Schwab's per-symbol "Lot Details" export (one file per symbol, one account).
    case schwabLots = "schwab-lots"
    /// Schwab's "Realized Gain/Loss - Lot Details": this year's gains and the recent loss sales.
    case schwabRealized = "schwab-realized"
    /// Interactive Brokers' Flex Query "Open Positions" at lot level, several accounts.
    case ibkrFlex = "ibkr-flex"
    /// The documented CSV `account, type, symbol, shares, costBasis, acquired, id` (and `price`).
    case generic

    /// `unknown format "x"; the formats are …`.
    public static func unknown(_ name: String) -> String {
        "unknown format \"\(name)\"; the formats are \(allCases.map(\.rawValue).joined(separator: ", "))"
    }
}

/// Everything refused in an import, every problem at once.
public struct ImportFailure: Error, Sendable, Equatable {
    public var problems: [ImportProblem]
    public init(_ problems: [ImportProblem]) { self.problems = problems }
    public var lines: [String] { problems.map(\.description) }
}

/// What the exports say: the pieces of a scenario an import writes or replaces.
public struct ImportedPortfolio: Sendable {
    public struct ImportedAccount: Sendable {
        public var id: String
        /// Nil when the export does not say (a new account is then taxable).
        public var type: AccountType?
        public var lots: [Lot]
    }

    public let format: ImportFormat
    /// The files read, in the order given.
    public var files: [String] = []
    /// Accounts with lots, in the order first seen.
    public var accounts: [ImportedAccount] = []
    /// Prices from the exports' price columns.
    public var prices: [String: Double] = [:]
    /// Where each lot's symbol was first seen, for messages about it.
    public var firstSeen: [String: (file: String, line: Int)] = [:]
    /// Loss sales of the 30 days before asOf; nil when the format carries no sales.
    public var recentSales: [RecentSale]?
    /// Net gains realized this year by term; nil when the format carries no sales.
    public var realizedThisYear: TermAmounts?

    init(format: ImportFormat) { self.format = format }

    mutating func add(lot: Lot, account: String, type: AccountType?, file: String, line: Int) {
        if let a = accounts.firstIndex(where: { $0.id == account }) {
            accounts[a].lots.append(lot)
            if accounts[a].type == nil { accounts[a].type = type }
        } else {
            accounts.append(ImportedAccount(id: account, type: type, lots: [lot]))
        }
        if firstSeen[lot.symbol] == nil { firstSeen[lot.symbol] = (file, line) }
    }

    mutating func add(price: Double?, symbol: String) {
        if let price, prices[symbol] == nil { prices[symbol] = price }
    }

    /// Symbols held without a price here or in `scenarioPrices`, each a problem at its first lot.
    public func missingPrices(scenarioPrices: [String: Double]) -> [ImportProblem] {
        let held = Set(accounts.flatMap { $0.lots.map(\.symbol) })
        return held.filter { prices[$0] == nil && scenarioPrices[$0] == nil }.sorted().map { symbol in
            let seen = firstSeen[symbol]
            return ImportProblem(
                file: seen?.file ?? "", line: seen?.line,
                message: "no price for \"\(symbol)\": the export has none; add a price column, or import "
                    + "--into a scenario whose prices list it")
        }
    }
}

/// Reads broker exports into scenario pieces: text in, pieces or every problem out. Files are
/// matched to their layout by column names (any order, any case, extra columns ignored).
public enum Importer {
    /// The default account of Schwab files whose title names none.
    public static let defaultSchwabAccount = "schwab"

    /// Reads `files` (name and text) as `format`, as of `asOf`. `account` puts every lot or sale
    /// of a Schwab export into that account instead of the one its title names.
    public static func read(
        _ format: ImportFormat, files: [(name: String, text: String)], asOf: Day, account: String? = nil
    ) throws(ImportFailure) -> ImportedPortfolio {
        var portfolio = ImportedPortfolio(format: format)
        if format == .schwabRealized {
            portfolio.recentSales = []
            portfolio.realizedThisYear = TermAmounts()
        }
        var problems: [ImportProblem] = []
        for file in files {
            portfolio.files.append(file.name)
            do throws(ImportProblem) {
                let table = try ImportTable(file: file.name, text: file.text)
                var reader = FileReader(table: table, asOf: asOf, account: account)
                switch format {
                case .schwabLots: try reader.schwabLots(into: &portfolio)
                case .schwabRealized: try reader.schwabRealized(into: &portfolio)
                case .ibkrFlex: try reader.ibkrFlex(into: &portfolio)
                case .generic: try reader.generic(into: &portfolio)
                }
                problems += reader.problems
            } catch {
                problems.append(error)
            }
        }
        if problems.isEmpty, portfolio.accounts.isEmpty, format != .schwabRealized {
            problems.append(
                ImportProblem(
                    file: files.map(\.name).joined(separator: ", "), message: "no lots found; expected a \(format.rawValue) export"))
        }
        guard problems.isEmpty else { throw ImportFailure(problems) }
        return portfolio
    }
}

/// Reads one file's rows under one layout.
private struct FileReader {
    let table: ImportTable
    let asOf: Day
    let account: String?
    var problems: [ImportProblem] = []

    init(table: ImportTable, asOf: Day, account: String?) {
        self.table = table
        self.asOf = asOf
        self.account = account
    }

    /// The data rows under `header`: not blank, not a repeated header, not a total line.
    func dataRows(_ header: Header) -> [ImportTable.Row] {
        table.rows.filter { row in
            row.line > header.row.line && row.cells.contains { !$0.isEmpty } && !header.isRepeated(by: row)
                && !(row.cells.first { !$0.isEmpty }?.lowercased().hasPrefix("total") ?? false)
        }
    }

    mutating func finish(_ cells: CellReader) { problems += cells.problems }

    /// A date not after asOf.
    mutating func notAfterAsOf(_ day: Day?, _ column: Layout.Column, _ cells: inout CellReader) -> Day? {
        guard let day else { return nil }
        if day > asOf {
            cells.report(column, "\(day) is after asOf \(asOf); give --as-of the export's date")
            return nil
        }
        return day
    }

    // MARK: schwab-lots

    private enum SchwabLots {
        static let openDate = Layout.required("Open Date")
        static let quantity = Layout.required("Quantity")
        static let price = Layout.required("Price")
        static let costBasis = Layout.required("Cost Basis")
        static let symbol = Layout.optional("Symbol")
        static let layout = Layout(columns: [openDate, quantity, price, costBasis, symbol])
    }

    /// The title above the header, `"VTI Lot Details for Individual …1234 as of 11/20/2026"`:
    /// its first word, and the account after "for" (up to "as of" or "from").
    func schwabTitle(above header: Header) -> (first: String?, account: String?) {
        guard let title = table.rows.first(where: { $0.line < header.row.line && $0.cells.contains { !$0.isEmpty } })
        else { return (nil, nil) }
        let text = title.cells.filter { !$0.isEmpty }.joined(separator: " ")
        let first = text.split(separator: " ").first.map(String.init)
        var account: String?
        if let forRange = text.range(of: " for ", options: .caseInsensitive) {
            var rest = text[forRange.upperBound...]
            for stop in [" as of ", " from "] {
                if let r = rest.range(of: stop, options: .caseInsensitive) { rest = rest[..<r.lowerBound] }
            }
            let trimmed = rest.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { account = trimmed }
        }
        return (first, account)
    }

    mutating func schwabLots(into portfolio: inout ImportedPortfolio) throws(ImportProblem) {
        let header = try table.header(for: SchwabLots.layout, format: "schwab-lots")
        let title = schwabTitle(above: header)
        let titleSymbol = title.first.flatMap { first in
            table.rows.contains { $0.line < header.row.line && $0.cells.joined(separator: " ").localizedCaseInsensitiveContains("lot details") }
                ? first : nil
        }
        if titleSymbol == nil, !header.has(SchwabLots.symbol) {
            throw ImportProblem(
                file: table.file, line: 1,
                message: "no symbol: expected a title line \"SYMBOL Lot Details for …\" above the header, or a \"Symbol\" column")
        }
        let accountID = account ?? title.account ?? Importer.defaultSchwabAccount
        for row in dataRows(header) {
            var cells = CellReader(file: table.file, header: header, row: row)
            let symbol = header.has(SchwabLots.symbol) ? cells.name(SchwabLots.symbol, what: "a symbol") : titleSymbol
            let acquired = notAfterAsOf(cells.date(SchwabLots.openDate), SchwabLots.openDate, &cells)
            let shares = cells.shares(SchwabLots.quantity)
            let price = cells.money(SchwabLots.price, rule: .positive)
            // The wash-sale adjusted basis and date (as the IRS counts them), not the
            // "Transaction CB" and "Transaction Open" of the extended layout.
            let costBasis = cells.money(SchwabLots.costBasis, rule: .nonNegative)
            finish(cells)
            guard let symbol, let acquired, let shares, let price, let costBasis, let costBasis else { continue }
            portfolio.add(
                lot: Lot(symbol: symbol, shares: shares, costBasis: costBasis, acquired: acquired), account: accountID,
                type: nil, file: table.file, line: row.line)
            portfolio.add(price: price, symbol: symbol)
        }
    }

    // MARK: schwab-realized

    private enum SchwabRealized {
        static let symbol = Layout.required("Symbol")
        static let closed = Layout.required("Closed Date")
        static let quantity = Layout.required("Quantity")
        static let gain = Layout.required("Gain/Loss ($)", "Gain/Loss $", "Gain/Loss")
        static let term = Layout.required("Term")
        static let disallowed = Layout.optional("Disallowed Loss")
        static let layout = Layout(columns: [symbol, closed, quantity, gain, term, disallowed])
    }

    mutating func schwabRealized(into portfolio: inout ImportedPortfolio) throws(ImportProblem) {
        let header = try table.header(for: SchwabRealized.layout, format: "schwab-realized")
        let accountID = account ?? schwabTitle(above: header).account ?? Importer.defaultSchwabAccount
        for row in dataRows(header) {
            var cells = CellReader(file: table.file, header: header, row: row)
            let symbol = cells.name(SchwabRealized.symbol, what: "a symbol")
            let closed = notAfterAsOf(cells.date(SchwabRealized.closed), SchwabRealized.closed, &cells)
            let shares = cells.shares(SchwabRealized.quantity)
            let gain = cells.money(SchwabRealized.gain, rule: .any)
            let disallowed = cells.money(SchwabRealized.disallowed, rule: .any, allowMissing: true)
            let termText = cells.text(SchwabRealized.term).lowercased()
            let isLongTerm: Bool? =
                termText.contains("long") || termText == "lt" ? true : termText.contains("short") || termText == "st" ? false : nil
            if isLongTerm == nil {
                cells.report(SchwabRealized.term, "expected Short Term or Long Term, got \(CellReader.shown(cells.text(SchwabRealized.term)))")
            }
            finish(cells)
            guard let symbol, let closed, let shares, let gain, let gain, let disallowed, let isLongTerm else { continue }
            // A disallowed (wash-sale) loss is not deductible: it counts as 0.
            let counted = min(0, gain + abs(disallowed ?? 0)) + max(0, gain)
            if closed.year == asOf.year {
                if isLongTerm {
                    portfolio.realizedThisYear?.longTerm += counted
                } else {
                    portfolio.realizedThisYear?.shortTerm += counted
                }
            }
            if counted < 0, closed.days(to: asOf) <= RecentSale.windowDays {
                portfolio.recentSales?.append(
                    RecentSale(account: accountID, symbol: symbol, shares: shares, loss: -counted, sold: closed))
            }
        }
    }

    // MARK: ibkr-flex

    private enum IBKR {
        static let account = Layout.required("ClientAccountID", "AccountId", "Account")
        static let symbol = Layout.required("Symbol")
        static let quantity = Layout.required("Quantity", "Position")
        static let costBasis = Layout.required("CostBasisMoney")
        static let price = Layout.required("MarkPrice")
        static let opened = Layout.required("OpenDateTime")
        static let level = Layout.required("LevelOfDetail")
        static let layout = Layout(columns: [account, symbol, quantity, costBasis, price, opened, level])
    }

    mutating func ibkrFlex(into portfolio: inout ImportedPortfolio) throws(ImportProblem) {
        let header = try table.header(for: IBKR.layout, format: "ibkr-flex")
        for row in dataRows(header) where header.cell(IBKR.level, row).uppercased() == "LOT" {
            var cells = CellReader(file: table.file, header: header, row: row)
            let accountID = cells.name(IBKR.account, what: "an account id")
            let symbol = cells.name(IBKR.symbol, what: "a symbol")
            let shares = cells.shares(IBKR.quantity)
            let costBasis = cells.money(IBKR.costBasis, rule: .nonNegative)
            let price = cells.money(IBKR.price, rule: .positive)
            let acquired = notAfterAsOf(cells.date(IBKR.opened), IBKR.opened, &cells)
            finish(cells)
            guard let accountID, let symbol, let shares, let costBasis, let costBasis, let price, let acquired else { continue }
            portfolio.add(
                lot: Lot(symbol: symbol, shares: shares, costBasis: costBasis, acquired: acquired), account: accountID,
                type: nil, file: table.file, line: row.line)
            portfolio.add(price: price, symbol: symbol)
        }
    }

    // MARK: generic

    enum Generic {
        static let account = Layout.required("account")
        static let type = Layout.optional("type")
        static let symbol = Layout.required("symbol")
        static let shares = Layout.required("shares")
        static let costBasis = Layout.required("costBasis", "cost basis")
        static let acquired = Layout.required("acquired")
        static let id = Layout.optional("id")
        static let price = Layout.optional("price")
        static let layout = Layout(columns: [account, type, symbol, shares, costBasis, acquired, id, price])
    }

    mutating func generic(into portfolio: inout ImportedPortfolio) throws(ImportProblem) {
        let header = try table.header(for: Generic.layout, format: "generic")
        var typeOf: [String: (type: AccountType, line: Int)] = [:]
        var idLine: [String: Int] = [:]
        for row in dataRows(header) {
            var cells = CellReader(file: table.file, header: header, row: row)
            let accountID = cells.name(Generic.account, what: "an account id")
            var type: AccountType?
            let typeText = cells.text(Generic.type)
            if !typeText.isEmpty {
                type = AccountType.allCases.first { $0.rawValue.lowercased() == typeText.lowercased() }
                if type == nil {
                    cells.report(Generic.type, "expected taxable, taxDeferred or taxExempt, got \"\(typeText)\"")
                }
            }
            if let accountID, let type {
                if let earlier = typeOf[accountID], earlier.type != type {
                    cells.report(
                        Generic.type,
                        "account \"\(accountID)\" is \(earlier.type.rawValue) on line \(earlier.line), \(type.rawValue) here")
                } else if typeOf[accountID] == nil {
                    typeOf[accountID] = (type, row.line)
                }
            }
            let symbol = cells.name(Generic.symbol, what: "a symbol")
            let shares = cells.shares(Generic.shares)
            let costBasis = cells.money(Generic.costBasis, rule: .nonNegative)
            let acquired = notAfterAsOf(cells.date(Generic.acquired), Generic.acquired, &cells)
            let price = header.has(Generic.price) ? cells.money(Generic.price, rule: .positive, allowMissing: true) : .some(nil)
            var id: String? = cells.text(Generic.id)
            if id?.isEmpty ?? true { id = nil }
            if let id {
                if let first = idLine[id] {
                    cells.report(Generic.id, "duplicate lot id \"\(id)\" (also line \(first))")
                } else {
                    idLine[id] = row.line
                }
            }
            finish(cells)
            guard let accountID, let symbol, let shares, let costBasis, let costBasis, let acquired, let price else { continue }
            portfolio.add(
                lot: Lot(id: id, symbol: symbol, shares: shares, costBasis: costBasis, acquired: acquired), account: accountID,
                type: type, file: table.file, line: row.line)
            portfolio.add(price: price, symbol: symbol)
        }
    }
}
