import Rebalancing

/// Trades as CSV, one row per trade, in the columns a broker's bulk order import expects, then
/// one row per note of the plan: action `note`, its account (when it concerns one) and symbol,
/// empty shares and amount, and the note's sentence in the last column, `note` (empty on a
/// trade). Rows whose action is `note` are advice, not orders.
enum CSVRenderer {
    static func trades(_ reports: [PlanReport], withStrategy: Bool) -> String {
        var lines = [(withStrategy ? ["strategy"] : []) + ["account", "symbol", "action", "shares", "amount", "note"]]
        for report in reports {
            for trade in report.trades {
                lines.append(
                    (withStrategy ? [report.strategy.name] : [])
                        + [
                            trade.account, trade.symbol, trade.action.rawValue, Money.formatShares(trade.shares),
                            Money.fixed(trade.amount, places: 2), "",
                        ])
            }
            for note in report.notes {
                lines.append(
                    (withStrategy ? [report.strategy.name] : []) + [note.account ?? "", note.symbol, "note", "", "", note.text])
            }
        }
        return lines.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n")
    }

    /// RFC 4180 quoting where needed.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
