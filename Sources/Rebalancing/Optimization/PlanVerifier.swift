/// An independent check of a plan against docs/strategies.md, from the scenario and the trades alone
/// (it shares nothing with the model builder): lots sell no more than they hold and doNotSell
/// lots nothing, only members of targeted classes (a leaf's symbol or its alternates) that an
/// account's canBuy menu allows are bought, nothing a recent loss sale blocks is bought, cash never falls below minCash, the wash-sale guard holds, and the
/// strategy's own constraint (cash-only's sell cap, tax-budget's budget on this year's tax,
/// recomputed here from docs/tax-model.md) is met.
public struct PlanVerifier: Sendable {
    public let household: Household

    /// Dollars of slack allowed for rounding: a cent, or 1e-7 of what is invested if larger.
    public var tolerance: Double { max(0.01, 1e-7 * household.totalInvestable) }

    public init(_ household: Household) { self.household = household }

    /// Every broken rule, one sentence each; empty for a valid plan.
    public func violations(of plan: Plan) -> [String] {
        var problems: [String] = []
        let scenario = household.scenario
        let accounts = scenario.accounts
        guard plan.sharesSold.count == household.lots.count else {
            return ["the plan has \(plan.sharesSold.count) lot sales for \(household.lots.count) lots"]
        }
        let tol = tolerance

        var sold = [Double](repeating: 0, count: accounts.count)
        var lossSold = Set<Int>()
        var planShortTerm = 0.0, planLongTerm = 0.0
        for (l, lot) in household.lots.enumerated() {
            let x = plan.sharesSold[l]
            let where_ = "\(accounts[lot.account].id) lot \(lot.index) (\(household.symbols[lot.symbol]))"
            if !x.isFinite || x < 0 { problems.append("\(where_): sells \(x) shares") }
            if x > lot.shares * (1 + 1e-12) { problems.append("\(where_): sells \(x) shares of \(lot.shares) held") }
            if x > 0 && accounts[lot.account].lots[lot.index].doNotSell {
                problems.append("\(where_): sells \(x) shares of a lot marked doNotSell")
            }
            sold[lot.account] += x * lot.price
            // docs/tax-model.md: gains of taxable lots by term, a caught loss counting 0.
            if lot.isTaxable && !lot.isLookBack {
                if lot.isLongTerm { planLongTerm += lot.gainPerShare * x } else { planShortTerm += lot.gainPerShare * x }
            }
            if x > 0 && lot.isTaxable && lot.gainPerShare < 0 { lossSold.insert(lot.symbol) }
        }

        var bought = [Double](repeating: 0, count: accounts.count)
        let blocked = scenario.blockedSymbols
        var boughtSymbols = Set<Int>()
        for purchase in plan.purchases {
            let account = accounts[purchase.account]
            let symbol = household.symbols[purchase.symbol]
            if !purchase.amount.isFinite || purchase.amount < 0 {
                problems.append("\(account.id): buys \(purchase.amount) dollars of \(symbol)")
            }
            if !(classTargets(of: household.groupOfAccount[purchase.account])[symbol].map { $0.target > 0 } ?? false) {
                problems.append("\(account.id): buys \(symbol), which is in no class its pie targets")
            }
            if purchase.amount > 0, !(account.canBuy?.contains(symbol) ?? true) {
                problems.append("\(account.id): buys \(symbol), which is not in its canBuy list")
            }
            if purchase.amount > 0, let until = blocked[symbol] {
                problems.append("\(account.id): buys \(symbol), which a recent loss sale blocks until \(until)")
            }
            bought[purchase.account] += purchase.amount
            if purchase.amount > 0 { boughtSymbols.insert(purchase.symbol) }
        }

        for (a, account) in accounts.enumerated() {
            let cashAfter = account.cash + account.flow + sold[a] - bought[a]
            if cashAfter < account.minCash - tol {
                problems.append(
                    "\(account.id): cash after trading \(Money.format(cashAfter)) is below minCash \(Money.format(account.minCash))")
            }
            if plan.strategy.kind.capsSellsAtNeed {
                let cap = cashOnlyCap(account: a)
                if sold[a] > cap + tol {
                    problems.append("\(account.id): cash-only sells \(Money.format(sold[a])) but may sell only \(Money.format(cap))")
                }
            }
        }

        // The wash-sale guard acts on identical groups (washSale.identical), read from the scenario.
        for s in lossSold.sorted() {
            let group = Set(scenario.identicalGroup(of: household.symbols[s]))
            for b in boughtSymbols.sorted() where group.contains(household.symbols[b]) {
                let lossSymbol = household.symbols[s], boughtSymbol = household.symbols[b]
                problems.append(
                    b == s
                        ? "wash sale: \(boughtSymbol) is bought while a taxable lot of it is sold at a loss"
                        : "wash sale: \(boughtSymbol) is bought while a taxable lot of \(lossSymbol), identical to it, is sold at a loss")
            }
        }

        problems += orderViolations(of: plan)

        if let budget = plan.strategy.kind.taxBudget {
            let tax = Self.tax(scenario.tax, planShortTerm: planShortTerm, planLongTerm: planLongTerm)
            if tax > budget + tol {
                problems.append("tax this year \(Money.format(tax)) is over the budget \(Money.format(budget))")
            }
        }
        return problems
    }

    /// The classes of group `g`'s pie, read from the scenario again (docs/scenario-format.md): each member
    /// symbol (a leaf's symbol or one of its alternates) with its class's leaf symbol and the
    /// class's target fraction, summed over leaves naming the same symbol.
    func classTargets(of g: Int) -> [String: (leaf: String, target: Double)] {
        let scenario = household.scenario
        let members = household.groups[g].accounts
        let pie = members.count == 1 && scenario.accounts[members[0]].pie != nil ? scenario.accounts[members[0]].pie : scenario.pie
        var leafOf: [String: String] = [:]
        var target: [String: Double] = [:]
        func walk(_ pie: Pie, _ factor: Double) {
            for slice in pie.slices {
                switch slice.content {
                case .symbol(let leaf):
                    target[leaf, default: 0] += factor * slice.weight / 100
                    for member in [leaf] + slice.alternates where leafOf[member] == nil { leafOf[member] = leaf }
                case .pie(let inner): walk(inner, factor * slice.weight / 100)
                }
            }
        }
        if let pie { walk(pie, 1) }
        return leafOf.mapValues { ($0, target[$0] ?? 0) }
    }

    /// D of docs/strategies.md recomputed from the scenario and the plan's trades: per group, half of
    /// Σ over classes of |what the members hold after trading − w·I| plus Σ |cash above minCash|.
    /// A symbol in no class of its group is a class of its own with target 0.
    public func misallocation(of plan: Plan) -> Double {
        let scenario = household.scenario
        var total = 0.0
        for (g, group) in household.groups.enumerated() {
            let classes = classTargets(of: g)
            var value = 0.0
            var holdings: [String: Double] = [:]
            var cash: [Int: Double] = [:]
            for a in group.accounts {
                let account = scenario.accounts[a]
                cash[a] = account.cash + account.flow
                value += account.cash + account.flow - account.minCash
            }
            for (l, lot) in household.lots.enumerated() where group.accounts.contains(lot.account) {
                let symbol = household.symbols[lot.symbol]
                value += lot.value
                holdings[classes[symbol]?.leaf ?? symbol, default: 0] += lot.price * (lot.shares - plan.sharesSold[l])
                cash[lot.account]! += lot.price * plan.sharesSold[l]
            }
            for purchase in plan.purchases where group.accounts.contains(purchase.account) {
                let symbol = household.symbols[purchase.symbol]
                holdings[classes[symbol]?.leaf ?? symbol, default: 0] += purchase.amount
                cash[purchase.account]! -= purchase.amount
            }
            for (_, c) in classes where holdings[c.leaf] == nil { holdings[c.leaf] = 0 }
            var sum = 0.0
            for leaf in holdings.keys.sorted() {
                let target = classes[leaf].map { $0.leaf == leaf ? $0.target : 0 } ?? 0
                sum += abs(holdings[leaf]! - target * value)
            }
            for a in group.accounts { sum += abs(cash[a]! - scenario.accounts[a].minCash) }
            total += sum / 2
        }
        return total
    }

    /// The plan's incremental tax for the year, docs/tax-model.md, written here again.
    static func tax(_ settings: TaxSettings, planShortTerm: Double, planLongTerm: Double) -> Double {
        func t(_ s: Double, _ l: Double) -> Double {
            let rST = settings.shortTermRate, rLT = settings.longTermRate
            if s >= 0 && l >= 0 { return rST * s + rLT * l }
            if s + l < 0 { return -rST * min(settings.ordinaryOffsetLimit, -(s + l)) }
            return s < 0 ? rLT * (s + l) : rST * (s + l)
        }
        let s0 = settings.realizedThisYear.shortTerm - settings.carryforwardLoss.shortTerm
        let l0 = settings.realizedThisYear.longTerm - settings.carryforwardLoss.longTerm
        return t(s0 + planShortTerm, l0 + planLongTerm) - t(s0, l0)
    }
}
