/// The two baselines of docs/strategies.md. They are not optimized, but obey every constraint of the model,
/// the wash-sale guard included.
enum Baselines {
    /// `fifo`: the `full` plan's trades, account by account and symbol by symbol, with every
    /// sale taking the oldest lots first. It reaches exactly `full`'s drift, so the two differ
    /// only in the lots sold. A symbol the plan buys anywhere never has a taxable lot sold at a
    /// loss (full's own sales of it prove there are enough other lots).
    static func fifo(_ household: Household, full: Plan, strategy: Strategy) -> Plan {
        guard full.hasTrades else { return .none(strategy, household, status: full.status) }
        let key = household.identicalKey
        let bought = Set(full.purchases.filter { $0.amount > 0 }.map { key[$0.symbol] })
        var dollars: [Key: Double] = [:]
        for (l, lot) in household.lots.enumerated() where full.sharesSold[l] > 0 {
            dollars[Key(account: lot.account, symbol: lot.symbol), default: 0] += full.sharesSold[l] * lot.price
        }
        var shares = [Double](repeating: 0, count: household.lots.count)
        for (sale, amount) in dollars {
            let lots = household.lotsByAccount[sale.account].filter {
                let lot = household.lots[$0]
                return lot.symbol == sale.symbol && !lot.doNotSell && !(lot.isGuardedLoss && bought.contains(key[sale.symbol]))
            }.sorted { (household.lots[$0].acquired, $0) < (household.lots[$1].acquired, $1) }
            take(amount, from: lots, household, into: &shares)
        }
        return Plan(strategy: strategy, status: full.status, sharesSold: shares, purchases: full.purchases)
    }

    /// `m1`: M1 Finance's rules, account by account, each account holding its group's pie. A
    /// class (a leaf's symbol with its alternates) is one slice: what its members hold fills it.
    /// 1. every slice above its target (w·I_a) is sold down to it, lots of all its members taken
    ///    in M1's order (``m1Order``);
    /// 2. the account's cash (cash + flow + sales − minCash) then buys the most relatively
    ///    underweight slices first: the lowest holding/target ratio is raised until it meets the
    ///    next, and so on, until every slice the account can buy is on target; cash still left
    ///    then waits for the slices a block stops for now, and the rest (a canBuy menu leaving a
    ///    slice nothing to buy) goes to the slices it can buy, in proportion to their targets.
    ///    A slice is bought as its leaf's symbol, or as its first alternate the account may buy
    ///    when it may not buy that (a canBuy menu, a block);
    /// 3. wash-sale guard: an identical group bought anywhere has none of its members' taxable
    ///    loss lots sold; if an account cannot otherwise raise a withdrawal, it sells such lots and
    ///    the group is then bought nowhere;
    /// 4. a slice none of whose members the account may buy (canBuy, blocks) is not bought
    ///    there (it stays underweight); lots marked doNotSell are never sold.
    static func m1(_ household: Household, strategy: Strategy) -> Plan {
        let accounts = household.scenario.accounts
        var shares = [Double](repeating: 0, count: household.lots.count)
        let key = household.identicalKey

        /// The member account `a` buys to fill class `c` of its group: the leaf's symbol, else the
        /// first alternate it may buy; nil when it may buy none, or each is in `blocked`.
        func buySymbol(_ a: Int, _ c: Household.Class, blocked: Set<Int>) -> Int? {
            c.members.first { !blocked.contains($0) && household.mayBuy(account: a, symbol: $0) }
        }

        // Targets and holdings per account, by class (its symbol).
        var target: [[Int: Double]] = []
        var holding: [[Int: Double]] = []
        /// Identical groups (by ``Household/identicalKey``) some account means to buy.
        var toBuy = Set<Int>()
        for a in accounts.indices {
            let group = household.groups[household.groupOfAccount[a]]
            let investable = household.maxSpend(account: a)
            var held: [Int: Double] = [:]
            for l in household.lotsByAccount[a] {
                held[group.classOf(household.lots[l].symbol)!.symbol, default: 0] += household.lots[l].value
            }
            var wanted: [Int: Double] = [:]
            for c in group.classes where c.target > 0 {
                wanted[c.symbol] = c.target * investable
                if (held[c.symbol] ?? 0) < c.target * investable - 0.005,
                    let s = buySymbol(a, c, blocked: household.blockedSymbols)
                {
                    toBuy.insert(key[s])
                }
            }
            target.append(wanted)
            holding.append(held)
        }

        /// Order rules: a class's lots sold symbol by symbol, each sale one the broker takes
        /// (``executableSale``), until `dollars` are raised (or, rounding down, not passed).
        /// Returns the dollars raised; with `dryRun`, sells nothing.
        func executableSales(_ dollars: Double, _ lots: [Int], _ a: Int, roundUp: Bool, into sold: inout [Double]) -> Double {
            var left = dollars
            var symbols: [Int] = []
            for l in lots where !symbols.contains(household.lots[l].symbol) { symbols.append(household.lots[l].symbol) }
            for s in symbols where left > 0.005 {
                let mine = lots.filter { household.lots[$0].symbol == s }
                // Still open: the account's lots of s it may sell and has not sold whole.
                let open = household.lotsByAccount[a].count {
                    household.lots[$0].symbol == s && !household.lots[$0].doNotSell && sold[$0] < household.lots[$0].shares
                }
                let amount = executableSale(
                    left, price: household.prices[s], available: mine.reduce(0) { $0 + household.lots[$1].shares - sold[$1] },
                    closes: mine.count == open, account: accounts[a], roundUp: roundUp)
                guard amount > 0 else { continue }
                left -= take(amount, from: mine, household, into: &sold, remainingOnly: true)
            }
            return dollars - left
        }
        func executableSales(_ dollars: Double, _ c: Int, _ pool: [Int], _ a: Int, roundUp: Bool) -> Double {
            let group = household.groups[household.groupOfAccount[a]]
            var trial = shares
            return executableSales(
                dollars, m1Order(pool.filter { group.classOf(household.lots[$0].symbol)!.symbol == c }, household), a,
                roundUp: roundUp, into: &trial)
        }
        func takeExecutable(_ dollars: Double, from lots: [Int], _ a: Int, roundUp: Bool) -> Double {
            executableSales(dollars, lots, a, roundUp: roundUp, into: &shares)
        }

        // 1. Sell overweight slices down to target.
        var cash = [Double](repeating: 0, count: accounts.count)
        for (a, account) in accounts.enumerated() {
            let group = household.groups[household.groupOfAccount[a]]
            let classOfLot = { (l: Int) in group.classOf(household.lots[l].symbol)!.symbol }
            cash[a] = account.cash + account.flow - account.minCash
            for c in holding[a].keys.sorted() {
                let excess = (holding[a][c] ?? 0) - (target[a][c] ?? 0)
                guard excess > 0.005 else { continue }
                let lots = m1Order(household.lotsByAccount[a].filter {
                    let lot = household.lots[$0]
                    return classOfLot($0) == c && !lot.doNotSell && !(lot.isGuardedLoss && toBuy.contains(key[lot.symbol]))
                }, household)
                let raised =
                    account.hasOrderRules
                    ? takeExecutable(excess, from: lots, a, roundUp: false)
                    : take(excess, from: lots, household, into: &shares)
                cash[a] += raised
                holding[a][c, default: 0] -= raised
            }
            // A withdrawal not yet raised: sell the most overweight remaining slices, keeping
            // the guard while any other lot is left.
            while cash[a] < -0.005 {
                let remaining = household.lotsByAccount[a].filter {
                    shares[$0] < household.lots[$0].shares && !household.lots[$0].doNotSell
                }
                let unguarded = remaining.filter {
                    !(household.lots[$0].isGuardedLoss && toBuy.contains(key[household.lots[$0].symbol]))
                }
                let pool = unguarded.isEmpty ? remaining : unguarded
                guard !pool.isEmpty else { break }
                let ratio = { (c: Int) in (holding[a][c] ?? 0) / max(target[a][c] ?? 0, 1e-9) }
                // Under order rules, only classes with a sale the broker takes that raises something.
                let classes = pool.map(classOfLot).filter {
                    !account.hasOrderRules || executableSales(-cash[a], $0, pool, a, roundUp: true) > 0
                }
                guard let c = classes.max(by: { (ratio($0), -$0) < (ratio($1), -$1) }) else { break }
                let lots = m1Order(pool.filter { classOfLot($0) == c }, household)
                if unguarded.isEmpty {
                    // Selling its losses: the identical groups of the lots it sells are bought nowhere.
                    for l in lots { toBuy.remove(key[household.lots[l].symbol]) }
                }
                let raised =
                    account.hasOrderRules
                    ? takeExecutable(-cash[a], from: lots, a, roundUp: true)
                    : take(-cash[a], from: lots, household, into: &shares, remainingOnly: true)
                cash[a] += raised
                holding[a][c, default: 0] -= raised
            }
        }
        // What may be bought: no member of an identical group one of whose taxable loss lots was
        // sold, nor what a recent loss sale blocks.
        var blocked = household.blockedSymbols
        for (l, lot) in household.lots.enumerated() where shares[l] > 0 && lot.isGuardedLoss {
            for s in household.symbols.indices where key[s] == key[lot.symbol] { blocked.insert(s) }
        }

        // 2. Cash buys the most relatively underweight slices first (water-filling).
        var purchases: [Plan.Purchase] = []
        for a in accounts.indices where cash[a] > 0.005 {
            let group = household.groups[household.groupOfAccount[a]]
            var slices: [(class: Int, symbol: Int)] = []
            for c in group.classes where target[a][c.symbol] != nil {
                if let s = buySymbol(a, c, blocked: blocked) { slices.append((c.symbol, s)) }
            }
            let targets = slices.map { target[a][$0.class]! }
            var amounts = waterFill(cash: cash[a], targets: targets, holdings: slices.map { holding[a][$0.class] ?? 0 })
            // Cash left once every slice it can buy is on target: kept for the slices a block
            // stops for now (they are bought once it ends); the rest, which a canBuy menu leaves
            // with nothing to buy, goes to the slices it can buy, in proportion to their targets.
            let waiting = group.classes.reduce(0.0) { sum, c in
                guard let t = target[a][c.symbol], buySymbol(a, c, blocked: blocked) == nil,
                    c.members.contains(where: { accounts[a].mayBuy(household.symbols[$0]) })
                else { return sum }
                return sum + max(0, t - (holding[a][c.symbol] ?? 0))
            }
            let extra = cash[a] - amounts.reduce(0, +) - waiting
            let total = targets.reduce(0, +)
            if extra > 0.005 && total > 0 {
                for i in amounts.indices { amounts[i] += extra * targets[i] / total }
            }
            for (slice, wanted) in zip(slices, amounts) {
                let amount = executablePurchase(wanted, price: household.prices[slice.symbol], account: accounts[a])
                guard amount > 0.005 else { continue }
                purchases.append(Plan.Purchase(account: a, symbol: slice.symbol, amount: amount))
            }
        }
        return Plan(strategy: strategy, status: .optimal, sharesSold: shares, purchases: purchases)
    }

    /// Dollars to buy of each slice: raise the lowest holding/target ratio to the next until
    /// `cash` is spent or every ratio reaches 1.
    static func waterFill(cash: Double, targets: [Double], holdings: [Double]) -> [Double] {
        guard !targets.isEmpty, cash > 0 else { return targets.map { _ in 0 } }
        // Spend(λ) = Σ max(0, λ·t − h) is increasing in λ; find λ ≤ 1 with Spend(λ) = cash.
        func spend(_ level: Double) -> Double {
            zip(targets, holdings).reduce(0) { $0 + max(0, level * $1.0 - $1.1) }
        }
        var level = 1.0
        if spend(1) > cash {
            var low = 0.0, high = 1.0
            for _ in 0..<100 {
                let mid = (low + high) / 2
                if spend(mid) > cash { high = mid } else { low = mid }
            }
            level = low
        }
        return zip(targets, holdings).map { max(0, level * $0.0 - $0.1) }
    }

    /// M1's documented lot order: short-term losses, long-term losses, short-term lots at no
    /// gain, long-term lots at no gain, long-term gains, short-term gains; the largest loss and
    /// the smallest gain per share first within each, then household lot order. A lot is at no
    /// gain when selling all of it would realize less than half a cent either way.
    static func m1Order(_ lots: [Int], _ household: Household) -> [Int] {
        func rank(_ l: Int) -> (Int, Double, Int) {
            let lot = household.lots[l]
            let g = lot.gainPerShare
            let bucket: Int
            if abs(g * lot.shares) < 0.005 {
                bucket = lot.isLongTerm ? 3 : 2
            } else if g < 0 {
                bucket = lot.isLongTerm ? 1 : 0
            } else {
                bucket = lot.isLongTerm ? 4 : 5
            }
            return (bucket, bucket == 2 || bucket == 3 ? 0 : g, l)
        }
        return lots.sorted { rank($0) < rank($1) }
    }

    /// Sells up to `dollars` from `lots` in order; returns the dollars raised.
    @discardableResult
    static func take(
        _ dollars: Double, from lots: [Int], _ household: Household, into shares: inout [Double],
        remainingOnly: Bool = false
    ) -> Double {
        var left = dollars
        for l in lots where left > 0 {
            let lot = household.lots[l]
            let available = lot.shares - (remainingOnly ? shares[l] : 0)
            let x = min(available, left / lot.price)
            guard x > 0 else { continue }
            // Two partial sales of a lot can add up to a hair over its shares: never sell more than it holds.
            shares[l] = min(lot.shares, shares[l] + x)
            left -= x * lot.price
            if left < 1e-9 { left = 0 }
        }
        return dollars - left
    }

    struct Key: Hashable {
        let account: Int
        let symbol: Int
    }
}
