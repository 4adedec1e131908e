import LinearProgramming

/// The program of docs/strategies.md for one household and one optimizing strategy, as plain values,
/// with a handle to every variable.
///
/// Money is in dollars throughout: a sell is modeled by the dollars it raises, v_l = p·x_l, so
/// that every matrix entry is ±1 (apart from the binaries' bounds) and the objective's tax
/// coefficients are rates × gain fractions.
struct RebalanceModel {
    struct Purchase {
        let account: Int
        let symbol: Int
        let variable: Variable
    }

    /// An identical group where the wash-sale guard can bind: a member bought somewhere, a member
    /// held at a loss in a taxable account.
    struct GuardCandidate {
        /// The group, by its ``Household/identicalKey`` (its first member held or targeted).
        let symbol: Int
        let purchases: [Int]
        let lossLots: [Int]
        /// Every lot of the symbol, in any account.
        let lots: [Int]
    }

    private(set) var model = LinearModel()
    let household: Household
    /// v_l: dollars raised from lot l (household lot order).
    private(set) var sells: [Variable] = []
    private(set) var purchases: [Purchase] = []
    /// e_a.
    private(set) var excessCash: [Variable] = []
    /// Each account's cash row, e_a − Σ v + Σ y = cash + flow − minCash.
    private(set) var cashRows: [ConstraintRef] = []
    /// d⁺ and d⁻ per group, by the symbol of each class (``Household/Class/symbol``).
    private(set) var deviations: [[Int: (plus: Variable, minus: Variable)]] = []
    /// Each class's deviation row with its d⁺ and d⁻, in the order they were added.
    private(set) var deviationRows: [(row: ConstraintRef, plus: Variable, minus: Variable)] = []
    private(set) var guardCandidates: [GuardCandidate] = []
    /// Symbol index → its index in `guardCandidates`.
    private(set) var candidateOfSymbol: [Int: Int] = [:]

    /// D, LotTax, Turn and (for bands) D_β as linear expressions.
    private(set) var misallocation: [Term] = []
    private(set) var lotTax: [Term] = []
    private(set) var turnover: [Term] = []
    private(set) var bandMisallocation: [Term] = []

    /// Tax as the LP sees it: one branch per convex piece of T that the plans can reach (see
    /// `TaxModel`). A stage or row containing Tax is solved once per branch.
    private(set) var taxBranches: [TaxModel.Branch] = []
    /// T with no trades (T0): a plan's T is its Tax plus this.
    private(set) var taxWithoutPlan = 0.0
    /// tax-budget's row Tax ≤ B, one per branch, with its bound: each holds only while its branch
    /// is solved, so the model has them free (the optimizer sets the bound).
    private(set) var budgetRows: [(row: ConstraintRef, upper: Double)] = []
    /// Whole shares and minimum trades (ExecutableOrders.swift): integer columns where they bind.
    private(set) var orders = ExecutableOrders()
    /// cash-only's cap on each account's sales (nil: none), as a bound where it is zero, else a row.
    private(set) var sellCaps: [Double?] = []

    /// The stages, minimized in order (docs/strategies.md).
    private(set) var stages: [Stage]

    /// What the program is built from besides the household: cash-only's caps on sales,
    /// tax-budget's budget and band's band. Strategies alike in these (`full` and `tax-aware`)
    /// have the same program, with their own stages (``restaged(_:)``).
    struct Shape: Equatable, Sendable {
        let capsSells: Bool
        let taxBudget: Double?
        /// The band of a banded drift stage, in percentage points (nil: none).
        let band: Double?

        init(_ strategy: Strategy.Kind, stages: [Stage]) {
            capsSells = strategy.capsSellsAtNeed
            taxBudget = strategy.taxBudget
            band = stages.lazy.compactMap { stage -> Double? in
                if case .bandMisallocation(let points) = stage { points } else { nil }
            }.first
        }
    }

    let shape: Shape

    /// The program of `strategy`, minimizing `stages` (by default the strategy's own).
    init(_ household: Household, strategy: Strategy.Kind, stages: [Stage]? = nil) {
        let stages = stages ?? strategy.stages
        self.init(household, shape: Shape(strategy, stages: stages), stages: stages)
    }

    /// This program minimizing `stages`, which must give it the same shape.
    func restaged(_ stages: [Stage]) -> RebalanceModel {
        var copy = self
        copy.stages = stages
        return copy
    }

    /// The program of `shape`, minimizing `stages` (which are read for nothing else).
    init(_ household: Household, shape: Shape, stages: [Stage]) {
        self.household = household
        self.stages = stages
        self.shape = shape
        let scenario = household.scenario
        let accounts = scenario.accounts

        // About the model's size (a sell per lot, a purchase of each symbol per account at most,
        // excess cash and a cash row per account, two deviations and a row per class, and a few
        // for Tax): its arrays grow once.
        let classCount = household.groups.reduce(0) { $0 + $1.classes.count }
        model.reserveCapacity(
            variables: household.lots.count + accounts.count * (household.symbols.count + 1) + 2 * classCount + 8,
            constraints: 2 * accounts.count + classCount + 8)

        // Sells, with cash-only's cap folded into the bounds where it is zero.
        var sellCap = [Double?](repeating: nil, count: accounts.count)
        if shape.capsSells {
            for a in accounts.indices {
                sellCap[a] = ExecutableOrders.cashOnlySellCap(household, account: a)
            }
        }
        sellCaps = sellCap
        sells.reserveCapacity(household.lots.count)
        for lot in household.lots {
            let upper = sellCap[lot.account] == 0 || lot.doNotSell ? 0 : lot.value
            sells.append(model.addVariable(lower: 0, upper: upper))
        }

        // Buys: only of members of classes the account's group targets, that its canBuy menu
        // lists and no recent loss sale blocks.
        for a in accounts.indices {
            let group = household.groups[household.groupOfAccount[a]]
            let cap = max(0, household.maxSpend(account: a))
            for s in group.symbols where household.mayBuy(account: a, symbol: s) {
                purchases.append(Purchase(account: a, symbol: s, variable: model.addVariable(lower: 0, upper: cap)))
            }
        }

        // Cash: e_a − Σ v + Σ y = cash + flow − minCash.
        for (a, account) in accounts.enumerated() {
            let e = model.addVariable(lower: 0)
            excessCash.append(e)
            // (In the order of the columns, as the solver takes them: nothing to sort.)
            var terms: [Term] = []
            terms.reserveCapacity(household.lotsByAccount[a].count + purchases.count + 1)
            for l in household.lotsByAccount[a] { terms.append(Term(sells[l], -1)) }
            for p in purchases where p.account == a { terms.append(Term(p.variable, 1)) }
            terms.append(Term(e, 1))
            cashRows.append(model.addConstraint(terms, equalTo: account.cash + account.flow - account.minCash))
            if let cap = sellCap[a], cap > 0 {
                model.addConstraint(household.lotsByAccount[a].map { Term(sells[$0], 1) }, upper: cap)
            }
        }

        // Executable orders: whole shares and minimum trades, where an account asks for them.
        // (band's stages: every account's cash spent nearly to the cent; ExchangeLattice.swift.)
        orders = ExecutableOrders(household, sells: sells, purchases: purchases, exchangeLattices: shape.band != nil, model: &model)

        // Deviations: Σ p(q − x) + Σ y − w·I = d⁺ − d⁻ for each group and class it targets or
        // holds, over every member of the class.
        let bandPoints = shape.band
        misallocation.reserveCapacity(2 * household.groups.reduce(0) { $0 + $1.classes.count } + accounts.count)
        // (The excess cash first: the terms in the order of the columns, as the solver takes
        // them, with nothing to sort in every stage row and objective made of them.)
        for e in excessCash {
            misallocation.append(Term(e, 0.5))
            bandMisallocation.append(Term(e, 0.5))
        }
        for (g, group) in household.groups.enumerated() {
            let lotsOf = household.classLots[g]
            var purchasesOf = [[Variable]](repeating: [], count: group.classes.count)
            for p in purchases where household.groupOfAccount[p.account] == g {
                purchasesOf[group.classIndex[p.symbol]!].append(p.variable)
            }
            deviations.append(Dictionary(minimumCapacity: group.classes.count))
            for (c, class_) in group.classes.enumerated() {
                let plus = model.addVariable(lower: 0)
                let minus = model.addVariable(lower: 0)
                deviations[g][class_.symbol] = (plus, minus)
                // (In the order of the columns, as the solver takes them: nothing to sort.)
                var terms: [Term] = []
                terms.reserveCapacity(lotsOf[c].count + purchasesOf[c].count + 2)
                var held = 0.0
                for l in lotsOf[c] {
                    terms.append(Term(sells[l], -1))
                    held += household.lots[l].value
                }
                for y in purchasesOf[c] { terms.append(Term(y, 1)) }
                terms.append(Term(plus, -1))
                terms.append(Term(minus, 1))
                let row = model.addConstraint(terms, equalTo: class_.target * group.investable - held)
                deviationRows.append((row, plus, minus))
                orders.addRoundingCut(
                    group: g, class_, offset: held - class_.target * group.investable, plus: plus, minus: minus,
                    prices: household.prices, &model)
                misallocation.append(Term(plus, 0.5))
                misallocation.append(Term(minus, 0.5))
                if let bandPoints {
                    // t ≥ d± − b: the part of the deviation outside the band.
                    let band = bandPoints / 100 * group.investable
                    let outside = model.addVariable(lower: 0)
                    model.addConstraint([Term(outside, 1), Term(plus, -1)], lower: -band)
                    model.addConstraint([Term(outside, 1), Term(minus, -1)], lower: -band)
                    bandMisallocation.append(Term(outside, 0.5))
                }
            }
        }

        // LotTax = Σ r_l g_l x_l = Σ r_l (g_l / p) v_l;  Turn = Σ v + Σ y.
        lotTax.reserveCapacity(household.lots.count)
        turnover.reserveCapacity(household.lots.count + purchases.count)
        for (l, lot) in household.lots.enumerated() {
            let coefficient = lot.rate * lot.gainPerShare / lot.price
            // Below 1e-12 of tax per dollar sold is nothing, and solvers cannot scale such values.
            if abs(coefficient) >= 1e-12 { lotTax.append(Term(sells[l], coefficient)) }
            turnover.append(Term(sells[l], 1))
        }
        turnover += purchases.map { Term($0.variable, 1) }

        // Tax (docs/tax-model.md) and tax-budget's row.
        let tax = TaxModel(household, sells: sells, upper: sells.map { model.columns[$0.index].upper })
        taxBranches = tax.branches(in: &model)
        taxWithoutPlan = tax.taxWithoutPlan
        if let budget = shape.taxBudget {
            budgetRows = taxBranches.map { (model.addConstraint($0.terms), budget - $0.constant) }
        }

        // Wash-sale guard candidates: identical groups with a member bought somewhere and a member
        // held at a taxable loss.
        // (By symbol index, not hashed: these tables are built for every strategy.)
        let key = household.identicalKey
        var buying = [[Int]](repeating: [], count: household.symbols.count)
        for (p, purchase) in purchases.enumerated() { buying[key[purchase.symbol]].append(p) }
        for s in household.symbols.indices where key[s] == s && !buying[s].isEmpty {
            let held = household.identicalLots[s]
            let lost = held.filter { household.lots[$0].isGuardedLoss }
            guard !lost.isEmpty else { continue }
            candidateOfSymbol[s] = guardCandidates.count
            guardCandidates.append(GuardCandidate(symbol: s, purchases: buying[s], lossLots: lost, lots: held))
        }
        harvest = Self.harvest(
            lotTax: lotTax, turnover: turnover, tradingCost: scenario.tax.tradingCost, variableCount: model.variableCount)
    }

    /// The objective of stage `k` without its Tax part (which ``taxBranches`` gives per branch).
    func objective(_ stage: Stage) -> [Term] {
        switch stage {
        case .misallocation: misallocation
        case .bandMisallocation: bandMisallocation
        case .tax: []
        case .misallocationAndTax(let kappa): misallocation.map { Term($0.variable, kappa * $0.coefficient) }
        case .harvest: harvest
        case .turnover: turnover
        }
    }

    /// Harvest = LotTax + tradingCost·Turn, one term per variable (worked out once: every
    /// optimizing strategy's stages and stage rows read it).
    private(set) var harvest: [Term] = []

    private static func harvest(lotTax: [Term], turnover: [Term], tradingCost cost: Double, variableCount: Int) -> [Term] {
        var coefficients = [Double](repeating: 0, count: variableCount)
        for term in lotTax { coefficients[term.variable.index] += term.coefficient }
        for term in turnover { coefficients[term.variable.index] += cost * term.coefficient }
        var terms: [Term] = []
        terms.reserveCapacity(turnover.count)
        for (j, c) in coefficients.enumerated() where abs(c) >= 1e-12 { terms.append(Term(Variable(index: j), c)) }
        return terms
    }

    /// Whether Harvest is tradingCost·Turn on every plan: each lot with a lot tax can never be
    /// sold (its column is fixed at 0: cash-only's sales capped at zero, `doNotSell`), and the
    /// trading cost is positive. Then the harvest stage's optimum is also the turnover stage's:
    /// every plan the turnover stage allows is one the harvest stage allowed, so its Turn is at
    /// least the harvest optimum / tradingCost, the Turn of the harvest stage's plan.
    var harvestIsScaledTurnover: Bool {
        let cost = household.scenario.tax.tradingCost
        // (A coefficient below 1e-12 leaves Harvest: `harvest` would drop tradingCost·1.)
        guard cost >= 1e-12 else { return false }
        return lotTax.allSatisfy { model.columns[$0.variable.index].upper == 0 }
    }

    /// Turn at `values`.
    func turnover(at values: [Double]) -> Double {
        turnover.reduce(0) { $0 + $1.coefficient * values[$1.variable.index] }
    }

    /// Dollars below which a solver value is numerical noise rather than a trade.
    static let tradeEpsilon = 1e-6
}
