import Rebalancing

/// Trades as CSV, one row per trade, in the columns a broker's bulk order import expects, then
/// one row per note of the plan: action `note`, its account (when it concerns one) and symbol,
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
        return lines.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n")
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
