/// An independent check of a plan against MODEL §3–4, from the scenario and the trades alone
/// (it shares nothing with the model builder): lots sell no more than they hold and doNotSell
/// lots nothing, only targeted symbols an account's canBuy menu allows are bought, nothing a recent loss sale blocks is bought, cash never falls below minCash, the wash-sale guard holds, and the
/// strategy's own constraint (cash-only's sell cap, tax-budget's budget on this year's tax,
/// recomputed here from MODEL §5) is met.
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
            // MODEL §5: gains of taxable lots by term, a caught loss counting 0.
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
            let group = household.groups[household.groupOfAccount[purchase.account]]
            if !purchase.amount.isFinite || purchase.amount < 0 {
                problems.append("\(account.id): buys \(purchase.amount) dollars of \(symbol)")
            }
            if (group.targets[purchase.symbol] ?? 0) <= 0 {
                problems.append("\(account.id): buys \(symbol), which its pie does not target")
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
                let need = max(0, account.minCash - account.cash - account.flow)
                if sold[a] > need + tol {
                    problems.append("\(account.id): cash-only sells \(Money.format(sold[a])) but needs only \(Money.format(need))")
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

        if let budget = plan.strategy.kind.taxBudget {
            let tax = Self.tax(scenario.tax, planShortTerm: planShortTerm, planLongTerm: planLongTerm)
            if tax > budget + tol {
                problems.append("tax this year \(Money.format(tax)) is over the budget \(Money.format(budget))")
            }
        }
        return problems
    }

    /// The plan's incremental tax for the year, MODEL §5, written here again.
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
