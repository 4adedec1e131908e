/// The verifier's check of executable orders (docs/strategies.md), from the scenario and the trades alone:
/// where an account trades whole shares, each symbol's purchase and sale there is a whole number
/// of shares (a sale may instead close every lot of the symbol the account may sell); where it
/// has a minimum trade, each symbol's purchase and sale there is 0 or at least `minTrade`.
extension PlanVerifier {
    /// Shares closer than this to a whole number are whole (the output's precision).
    static let wholeShareTolerance = 1e-6

    func orderViolations(of plan: Plan) -> [String] {
        let accounts = household.scenario.accounts
        guard accounts.contains(where: \.hasOrderRules) else { return [] }
        struct Key: Hashable, Comparable {
            let account: Int, symbol: Int
            static func < (a: Key, b: Key) -> Bool { (a.account, a.symbol) < (b.account, b.symbol) }
        }
        var sold: [Key: Double] = [:]
        /// Whether every lot of the symbol the account may sell is sold whole.
        var closes: [Key: Bool] = [:]
        for (l, lot) in household.lots.enumerated() where accounts[lot.account].hasOrderRules {
            let key = Key(account: lot.account, symbol: lot.symbol)
            let x = plan.sharesSold[l]
            sold[key, default: 0] += x
            if !accounts[lot.account].lots[lot.index].doNotSell {
                closes[key] = (closes[key] ?? true) && x >= lot.shares - Self.wholeShareTolerance
            }
        }
        var bought: [Key: Double] = [:]
        for purchase in plan.purchases where accounts[purchase.account].hasOrderRules {
            bought[Key(account: purchase.account, symbol: purchase.symbol), default: 0] += purchase.amount
        }
        func isWhole(_ shares: Double) -> Bool { abs(shares - shares.rounded()) <= Self.wholeShareTolerance }

        var problems: [String] = []
        for (key, shares) in sold.sorted(by: { $0.key < $1.key }) where shares > 0 {
            let account = accounts[key.account], symbol = household.symbols[key.symbol]
            let dollars = shares * household.prices[key.symbol]
            if account.wholeShares && !isWhole(shares) && closes[key] != true {
                problems.append(
                    "\(account.id): sells \(shares) shares of \(symbol), neither whole shares nor every lot of it the account may sell")
            }
            if account.minTrade > 0 && dollars < account.minTrade - tolerance {
                problems.append(
                    "\(account.id): sells \(Money.format(dollars)) of \(symbol), under minTrade \(Money.format(account.minTrade))")
            }
        }
        for (key, dollars) in bought.sorted(by: { $0.key < $1.key }) where dollars > 0 {
            let account = accounts[key.account], symbol = household.symbols[key.symbol]
            let shares = dollars / household.prices[key.symbol]
            if account.wholeShares && !isWhole(shares) {
                problems.append("\(account.id): buys \(shares) shares of \(symbol), not a whole number")
            }
            if account.minTrade > 0 && dollars < account.minTrade - tolerance {
                problems.append(
                    "\(account.id): buys \(Money.format(dollars)) of \(symbol), under minTrade \(Money.format(account.minTrade))")
            }
        }
        return problems
    }

    /// cash-only's cap on what account `a` sells (docs/strategies.md), computed here again: what it must
    /// raise for minCash, plus, when that is more than 0 and the account trades whole shares or
    /// has a minimum trade, the larger of minTrade and the highest price of a symbol it holds.
    func cashOnlyCap(account a: Int) -> Double {
        let account = household.scenario.accounts[a]
        let need = max(0, account.minCash - account.cash - account.flow)
        guard need > 0, account.wholeShares || account.minTrade > 0 else { return need }
        let highest = account.lots.compactMap { household.scenario.prices[$0.symbol] }.max() ?? 0
        return need + max(account.minTrade, highest)
    }
}
