import Foundation
import SwiftCSV

/// One problem with an imported file, at a line and column when it has one:
/// `positions.csv:7: column "Quantity": expected a number of shares such as 12.5, got "abc"`.
public struct ImportProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let column { text += "column \"\(column)\": " }
        return text + message
    }
}

/// A broker's CSV export as rows of cells with their line numbers, read with SwiftCSV, and the
/// row that names the columns a layout needs (found by name, case-insensitively, anywhere in
/// the first rows: exports put title lines above it).
struct ImportTable {
    struct Row {
        /// The row's first line in the file (1-based).
        let line: Int
        let cells: [String]
    }

    let file: String
    let rows: [Row]

    /// The rows of `text`; an unreadable file is one problem.
    init(file: String, text: String) throws(ImportProblem) {
        self.file = file
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        var cellRows: [[String]] = []
        do {
            // SwiftCSV reads the first row as a header; enumerating from row 0 gives every row.
            let csv = try CSV<Enumerated>(string: body, delimiter: .comma, loadColumns: false)
            try csv.enumerateAsArray(startAt: 0, rowLimit: nil) { cellRows.append($0) }
        } catch {
            throw ImportProblem(file: file, message: "not readable as CSV: \(Self.describe(error))")
        }
        // A row starts one line after the previous one, plus the line breaks inside its quoted cells.
        var line = 1
        var rows: [Row] = []
        for cells in cellRows {
            rows.append(Row(line: line, cells: cells.map { $0.trimmingCharacters(in: .whitespaces) }))
            line += 1 + cells.reduce(0) { $0 + $1.filter(\.isNewline).count }
        }
        self.rows = rows
    }

    private static func describe(_ error: Error) -> String {
        switch error as? CSVParseError {
        case .generic(let message), .quotation(let message): message
        case nil: "\(error)"
        }
    }

    /// How many rows may stand above the header (titles, blank lines, notes).
    static let headerSearchRows = 20

    /// The header row for `layout`: the first row that has every required column. Otherwise
    /// the problem names the columns lacking from the row that came closest.
    func header(for layout: Layout, format: String) throws(ImportProblem) -> Header {
        var best: (missing: [String], row: Row)?
        for row in rows.prefix(Self.headerSearchRows) {
            let header = Header(row: row, layout: layout)
            let missing = header.missingRequired
            if missing.isEmpty { return header }
            if best == nil || missing.count < best!.missing.count { best = (missing, row) }
        }
        guard let best else { throw ImportProblem(file: file, message: "is empty; expected a \(format) export") }
        let lacking = best.missing.map { "\"\($0)\"" }.joined(separator: ", ")
        throw ImportProblem(
            file: file,
            message: "matches no \(format) layout: it lacks the column\(best.missing.count == 1 ? "" : "s") \(lacking) "
                + "(the closest row is line \(best.row.line); columns are matched by name, in any order and case)")
    }
}

/// The columns of one export layout: each column has a name and the other names brokers give it.
struct Layout {
    struct Column: Hashable {
        let names: [String]
        let required: Bool
        var name: String { names[0] }
    }
    let columns: [Column]

    static func required(_ names: String...) -> Column { Column(names: names, required: true) }
    static func optional(_ names: String...) -> Column { Column(names: names, required: false) }
}

/// Where each column of a layout is in a header row.
struct Header {
    let row: ImportTable.Row
    let layout: Layout
    private let index: [Layout.Column: Int]

    init(row: ImportTable.Row, layout: Layout) {
        self.row = row
        self.layout = layout
        let lowered = row.cells.map { $0.lowercased() }
        var index: [Layout.Column: Int] = [:]
        for column in layout.columns {
            for name in column.names {
                if let i = lowered.firstIndex(of: name.lowercased()) {
                    index[column] = i
                    break
                }
            }
        }
        self.index = index
    }

    var missingRequired: [String] {
        layout.columns.filter { $0.required && index[$0] == nil }.map(\.name)
    }

    func has(_ column: Layout.Column) -> Bool { index[column] != nil }

    /// The column's name as the file writes it (for messages), else its usual name.
    func name(_ column: Layout.Column) -> String {
        index[column].map { row.cells[$0] } ?? column.name
    }

    /// The cell of `column` in `row`; empty when the column or the cell is absent.
    func cell(_ column: Layout.Column, _ row: ImportTable.Row) -> String {
        guard let i = index[column], i < row.cells.count else { return "" }
        return row.cells[i]
    }

    /// Whether `row` repeats the header (some exports repeat it per account or section).
    func isRepeated(by row: ImportTable.Row) -> Bool {
        row.line != self.row.line && row.cells.map { $0.lowercased() } == self.row.cells.map { $0.lowercased() }
    }
}

/// Reads the cells of one row, collecting a problem for each cell that is not what it should be.
struct CellReader {
    let file: String
    let header: Header
    let row: ImportTable.Row
    private(set) var problems: [ImportProblem] = []

    init(file: String, header: Header, row: ImportTable.Row) {
        self.file = file
        self.header = header
        self.row = row
    }

    mutating func report(_ column: Layout.Column?, _ message: String) {
        problems.append(
            ImportProblem(file: file, line: row.line, column: column.map { header.name($0) }, message: message))
    }

    func text(_ column: Layout.Column) -> String { header.cell(column, row) }

    /// A non-empty text cell.
    mutating func name(_ column: Layout.Column, what: String) -> String? {
        let text = self.text(column)
        guard !text.isEmpty, text != "--" else {
            report(column, "expected \(what), got \(Self.shown(text))")
            return nil
        }
        return text
    }

    /// A positive number of shares.
    mutating func shares(_ column: Layout.Column) -> Double? {
        let text = self.text(column)
        guard let x = ImportValues.number(text) else {
            report(column, "expected a number of shares such as 12.5 or 1,200.25, got \(Self.shown(text))")
            return nil
        }
        guard x > 0 else {
            report(column, "expected a positive number of shares (short positions are not imported), got \(Self.shown(text))")
            return nil
        }
        return x
    }

    /// An amount of money; `--` or an empty cell only when `allowMissing` (then nil).
    mutating func money(_ column: Layout.Column, rule: MoneyRule, allowMissing: Bool = false) -> Double?? {
        let text = self.text(column)
        if allowMissing, ImportValues.isMissing(text) { return .some(nil) }
        guard let x = ImportValues.money(text) else {
            report(column, "expected an amount such as $1,234.56, (123.45) or -1,234.56, got \(Self.shown(text))")
            return nil
        }
        switch rule {
        case .any: return x
        case .positive where x > 0, .nonNegative where x >= 0: return x
        case .positive: report(column, "expected an amount > 0, got \(Self.shown(text))")
        case .nonNegative: report(column, "expected an amount ≥ 0, got \(Self.shown(text))")
        }
        return nil
    }

    enum MoneyRule { case any, positive, nonNegative }

    /// A date written MM/DD/YYYY or YYYY-MM-DD (a time after it is ignored).
    mutating func date(_ column: Layout.Column) -> Day? {
        let text = self.text(column)
        guard let day = ImportValues.date(text) else {
            report(column, "expected a date written MM/DD/YYYY or YYYY-MM-DD, got \(Self.shown(text))")
            return nil
        }
        return day
    }

    static func shown(_ text: String) -> String { text.isEmpty ? "an empty cell" : "\"\(text)\"" }
}

/// The ways brokers write numbers, money and dates.
enum ImportValues {
    /// `--`, `n/a` or nothing: no value.
    static func isMissing(_ text: String) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        return t.isEmpty || t == "--" || t == "n/a"
    }

    /// `$1,234.56`, `-$1,234.56`, `$-1,234.56`, `(123.45)`, `-1,234.56`, `+12`: dollars.
    static func money(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces)
        var negative = false
        if t.hasPrefix("("), t.hasSuffix(")") {
            negative = true
            t = String(t.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        if t.hasPrefix("-") || t.hasPrefix("+") {
            if t.hasPrefix("-") { negative.toggle() }
            t.removeFirst()
        }
        if t.hasPrefix("$") { t.removeFirst() }
        if !negative, t.hasPrefix("-") {
            negative = true
            t.removeFirst()
        }
        guard let x = number(t), x >= 0 else { return nil }
        return negative ? -x : x
    }

    /// A decimal number with optional sign and thousands separators: `1,234.5`, `-0.25`.
    static func number(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces)
        var sign = 1.0
        if t.hasPrefix("-") || t.hasPrefix("+") {
            if t.hasPrefix("-") { sign = -1 }
            t.removeFirst()
        }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let whole = parts[0]
        // Thousands separators only between groups of three digits.
        let groups = whole.split(separator: ",", omittingEmptySubsequences: false)
        guard let first = groups.first, !first.isEmpty || parts.count == 2,
            first.count <= (groups.count > 1 ? 3 : .max),
            groups.dropFirst().allSatisfy({ $0.count == 3 })
        else { return nil }
        let digits = groups.joined() + (parts.count == 2 ? "." + parts[1] : "")
        guard digits.contains(where: \.isNumber),
            digits.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let x = Double(digits.hasPrefix(".") ? "0" + digits : digits), x.isFinite, x <= 1e12
        else { return nil }
        return sign * x
    }

    /// `MM/DD/YYYY` (or `M/D/YYYY`), `YYYY-MM-DD` or `YYYYMMDD`, optionally followed by a time
    /// after `;`, `,`, a space or `T`.
    static func date(_ text: String) -> Day? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let datePart = t.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " || $0 == "T" }).first.map(String.init) ?? ""
        if let day = Day(datePart) { return day }
        let slashed = datePart.split(separator: "/", omittingEmptySubsequences: false)
        if slashed.count == 3, slashed[2].count == 4, (1...2).contains(slashed[0].count), (1...2).contains(slashed[1].count),
            let m = Int(slashed[0]), let d = Int(slashed[1]), let y = Int(slashed[2])
        {
            return Day(year: y, month: m, day: d)
        }
        let digits = Array(datePart.utf8)
        if digits.count == 8, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            func value(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } }
            return Day(year: value(0..<4), month: value(4..<6), day: value(6..<8))
        }
        return nil
    }
}
