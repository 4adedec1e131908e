import Rebalancing

/// Trades as CSV, one row per trade, in the columns a broker's bulk order import expects.
enum CSVRenderer {
    static func trades(_ reports: [PlanReport], withStrategy: Bool) -> String {
        var lines = [(withStrategy ? ["strategy"] : []) + ["account", "symbol", "action", "shares", "amount"]]
        for report in reports {
            for trade in report.trades {
                lines.append(
                    (withStrategy ? [report.strategy.name] : [])
                        + [
                            trade.account, trade.symbol, trade.action.rawValue, Money.formatShares(trade.shares),
                            Money.fixed(trade.amount, places: 2),
                        ])
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
