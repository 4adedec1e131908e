import Rebalancing

/// The CSV of people's spreadsheets (the CSV a broker takes is ``OrderCSV``).
///
/// Trades (`plan --format csv`, `compare --trades`): one row per trade, then one row per note of the plan: action `note`, its account (when it concerns one) and symbol,
/// empty shares and amount, and the note's sentence in the last column, `note` (empty on a
/// trade). Rows whose action is `note` are advice, not orders. A plan that is not optimal has
/// one row with its status as the action (`infeasible`, `time-limit`, `numerical-failure`) and
/// why in `note`; a time-limited plan's trades follow it.
///
/// Text from the scenario (ids, symbols, names) that a spreadsheet would read as a formula —
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return — is written with a leading `'`.
enum CSVRenderer {
    static func trades(_ reports: [PlanReport], withStrategy: Bool) -> String {
        var lines = [(withStrategy ? ["strategy"] : []) + ["account", "symbol", "action", "shares", "amount", "note"]]
        for report in reports {
            let strategy = withStrategy ? [text(report.strategy.name)] : []
            if !report.status.isOptimal {
                lines.append(strategy + ["", "", report.status.name, "", "", text(report.status.description)])
            }
            for trade in report.trades {
                lines.append(
                    strategy
                        + [
                            text(trade.account), text(trade.symbol), trade.action.rawValue, Money.formatShares(trade.shares),
                            Money.plain(trade.amount), "",
                        ])
            }
            for note in report.notes {
                lines.append(strategy + [text(note.account ?? ""), text(note.symbol), "note", "", "", text(note.text)])
            }
        }
        return Self.lines(lines)
    }

    /// Rows of cells as CSV text, each cell quoted where needed, one line per row.
    static func lines(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n")
    }

    static let comparisonColumns = [
        "strategy", "status", "trades", "turnover", "driftBefore", "driftAfter", "misallocatedBefore", "misallocatedAfter",
        "realizedShortTerm", "realizedLongTerm", "lotTax", "estimatedTax", "carryforwardShortTerm", "carryforwardLongTerm",
        "cashAfter", "message",
    ]

    /// The comparison, one row per strategy, with the figures of its JSON summary (money in
    /// cents, drift as a fraction, `cashAfter` summed over the accounts). A plan without trades
    /// to show (infeasible, a failure) has its status and message and empty figures; `message`
    /// is empty for an optimal plan.
    static func comparison(_ comparison: Comparison) -> String {
        var rows = [comparisonColumns]
        for report in comparison.reports {
            let status = [text(report.strategy.name), report.status.name]
            let message = report.status.isOptimal ? "" : text(report.status.description)
            guard report.plan.hasTrades else {
                rows.append(status + Array(repeating: "", count: comparisonColumns.count - 3) + [message])
                continue
            }
            let s = report.summary
            rows.append(
                status + [String(report.trades.count)]
                    + [s.turnover].map(Money.plain) + [s.driftBefore, s.driftAfter].map(Money.decimal)
                    + [
                        s.misallocatedBefore, s.misallocatedAfter, s.realizedShortTerm, s.realizedLongTerm, s.lotTax,
                        s.estimatedTax, s.carryforwardAfter.shortTerm, s.carryforwardAfter.longTerm,
                        s.cashAfter.reduce(0) { $0 + $1.amount },
                    ].map(Money.plain) + [message])
        }
        return lines(rows)
    }

    /// Text a spreadsheet must show as text, never run as a formula (OWASP's CSV injection rule).
    static func text(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return value }
        return "'" + value
    }

    /// RFC 4180 quoting where needed.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
