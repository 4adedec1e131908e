import Rebalancing

/// What a broker takes to place a plan, as CSV: the orders (`--format orders`) and the lots to
/// sell by specific identification (`--format lots`). Only orders and lots: no notes and no status
/// rows, so a file can go to a bulk upload as it is. A plan that is not optimal still exits 1 and
/// says why on stderr; a time-limited plan's trades (which satisfy every rule) are listed.
///
/// Cells are escaped as every CSV here (``CSVRenderer/text(_:)``, ``CSVRenderer/field(_:)``).
enum OrderCSV {
    static let orderColumns = ["account", "symbol", "action", "quantity", "orderType", "timeInForce", "estimatedAmount"]
    static let lotColumns = ["account", "symbol", "lotId", "acquired", "shares", "costBasis", "gain", "term", "taxable", "washSale"]

    /// One row per order, in the plan's order (account by account, sells before buys): a market
    /// order for the day, the quantity in shares as every format prints them.
    static func orders(_ report: PlanReport) -> String {
        var rows = [orderColumns]
        for trade in report.trades {
            rows.append([
                CSVRenderer.text(trade.account), CSVRenderer.text(trade.symbol), trade.action == .buy ? "Buy" : "Sell",
                Money.formatShares(trade.shares), "market", "day", Money.plain(trade.amount),
            ])
        }
        return CSVRenderer.lines(rows)
    }

    /// One row per lot sold: the lot's id when the scenario gives one, its acquisition date, the
    /// shares sold, their cost basis and gain (to the cent), the term (`short`, `long`), whether
    /// the sale is taxed (only in a taxable account) and whether the 30-day look-back
    /// disallows its loss.
    static func lots(_ report: PlanReport) -> String {
        var rows = [lotColumns]
        for sold in report.soldLots {
            let lot = sold.lot
            rows.append([
                CSVRenderer.text(sold.account), CSVRenderer.text(sold.symbol), CSVRenderer.text(lot.id ?? ""),
                lot.acquired.description, Money.formatShares(lot.shares), Money.plain(sold.costBasis), Money.plain(lot.gain),
                lot.isLongTerm ? "long" : "short", lot.isTaxable ? "true" : "false", lot.isDisallowed ? "true" : "false",
            ])
        }
        return CSVRenderer.lines(rows)
    }
}
