/// Advice that goes with a plan: what to wait for, or not to buy, and until when. Every format
/// shows the same notes; `text` is the one sentence people read, `json` (in Output) what programs
/// read.
public enum PlanNote: Sendable, Equatable {
    /// A short-term lot sold at a gain in a taxable account that turns long-term within
    /// ``nearLongTermDays`` of asOf: waiting until `longTermOn` would tax the gain at the long-term
    /// rate instead (`taxSavedByWaiting` = gain × (short-term rate − long-term rate)).
    case nearLongTerm(
        account: String, symbol: String, lotID: String?, acquired: Day, longTermOn: Day, taxSavedByWaiting: Double)
    /// The plan sells `symbol` (of the identical group `group`) at a loss in a taxable account:
    /// buying any member of the group before `until` (asOf + 31 days) would make it a wash sale.
    case doNotRebuyUntil(symbol: String, group: [String], until: Day)
    /// `symbol`'s identical group had a loss sale in the 30 days before asOf: the plan buys none
    /// of it before `until` (the sale date + 31 days), since that would disallow the loss.
    case blocked(symbol: String, until: Day)

    /// A sold short-term gain lot gets a note when it turns long-term this many days after asOf or fewer.
    public static let nearLongTermDays = 60
    /// Days after asOf (as after a recent sale) on which buying back is no longer a wash sale.
    public static let rebuyAfterDays = RecentSale.blockDays

    /// The JSON `kind`.
    public var kind: String {
        switch self {
        case .nearLongTerm: "nearLongTerm"
        case .doNotRebuyUntil: "doNotRebuyUntil"
        case .blocked: "blocked"
        }
    }

    /// The account a note is about, when it is about one.
    public var account: String? {
        if case .nearLongTerm(let account, _, _, _, _, _) = self { return account }
        return nil
    }

    public var symbol: String {
        switch self {
        case .nearLongTerm(_, let symbol, _, _, _, _), .doNotRebuyUntil(let symbol, _, _), .blocked(let symbol, _): symbol
        }
    }

    /// One sentence for people: `In brokerage, NVDA lot 2025-12-10 turns long-term on 2026-12-11:
    /// waiting saves $380.00.`
    public var text: String {
        switch self {
        case .nearLongTerm(let account, let symbol, let id, let acquired, let longTermOn, let saved):
            let lot = acquired.description + (id.map { " (\($0))" } ?? "")
            return "In \(account), \(symbol) lot \(lot) turns long-term on \(longTermOn): "
                + "waiting saves \(Money.format(saved))."
        case .doNotRebuyUntil(let symbol, let group, let until):
            let others = group.filter { $0 != symbol }
            let also = others.isEmpty ? "" : " (nor " + others.joined(separator: ", ") + ", identical to it)"
            return "\(symbol) is sold at a loss: do not buy it\(also) before \(until), or the loss becomes a wash sale."
        case .blocked(let symbol, let until):
            return "\(symbol) was sold at a loss in the last 30 days: not bought before \(until)."
        }
    }
}

extension PlanNote {
    /// The notes of a plan's trades (docs/output.md), in this order: near-long-term lots in trade
    /// order, then every identical group the plan sells at a loss in a taxable account,
    /// alphabetically. Computed from the trades and the household alone, whatever the strategy.
    /// (The `blocked` notes come from the scenario's recent sales.)
    static func notes(trades: [PlanReport.Trade], household: Household) -> [PlanNote] {
        let scenario = household.scenario
        let asOf = scenario.asOf
        let rateGap = scenario.tax.shortTermRate - scenario.tax.longTermRate
        var notes: [PlanNote] = []
        // First sold symbol of each group sold at a loss, by the group's first member.
        var lossGroups: [String: (symbol: String, group: [String])] = [:]
        for trade in trades where trade.action == .sell {
            for lot in trade.lots where lot.isTaxable {
                if !lot.isLongTerm && lot.gain > 0 && asOf.days(to: lot.longTermOn) <= nearLongTermDays {
                    notes.append(
                        .nearLongTerm(
                            account: trade.account, symbol: trade.symbol, lotID: lot.id, acquired: lot.acquired,
                            longTermOn: lot.longTermOn, taxSavedByWaiting: lot.gain * rateGap))
                }
            }
            if trade.lots.contains(where: { $0.isTaxable && $0.gain < 0 }) {
                let group = scenario.identicalGroup(of: trade.symbol)
                let key = group.first ?? trade.symbol
                if let seen = lossGroups[key], seen.symbol <= trade.symbol { continue }
                lossGroups[key] = (trade.symbol, group)
            }
        }
        let until = asOf.adding(days: rebuyAfterDays)
        for key in lossGroups.keys.sorted() {
            let sold = lossGroups[key]!
            notes.append(.doNotRebuyUntil(symbol: sold.symbol, group: sold.group, until: until))
        }
        return notes
    }
}
