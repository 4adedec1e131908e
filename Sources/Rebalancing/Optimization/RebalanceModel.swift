import LinearProgramming

/// The program of MODEL §3 for one household and one optimizing strategy, as plain values,
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

    /// A symbol where the wash-sale guard can bind: bought somewhere, held at a loss in a taxable account.
    struct GuardCandidate {
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
    /// d⁺ and d⁻ per group, by symbol.
    private(set) var deviations: [[Int: (plus: Variable, minus: Variable)]] = []
    private(set) var guardCandidates: [GuardCandidate] = []
    /// Symbol index → its index in `guardCandidates`.
    private var candidateOfSymbol: [Int: Int] = [:]

    /// D, LotTax, Turn and (for bands) D_β as linear expressions.
    private(set) var misallocation: [Term] = []
    private(set) var lotTax: [Term] = []
    private(set) var turnover: [Term] = []
    private(set) var bandMisallocation: [Term] = []

    /// The objectives to minimize in order (MODEL §4).
    private(set) var stages: [[Term]] = []

    init(_ household: Household, strategy: Strategy.Kind) {
        self.household = household
        let scenario = household.scenario
        let accounts = scenario.accounts

        // Sells, with cash-only's cap folded into the bounds where it is zero.
        var sellCap = [Double?](repeating: nil, count: accounts.count)
        if case .cashOnly = strategy {
            for (a, account) in accounts.enumerated() {
                sellCap[a] = max(0, account.minCash - account.cash - account.flow)
            }
        }
        for lot in household.lots {
            let upper = sellCap[lot.account] == 0 ? 0 : lot.value
            sells.append(model.addVariable(lower: 0, upper: upper))
        }

        // Buys: only of symbols the account's group targets and no recent loss sale blocks.
        for a in accounts.indices {
            let group = household.groups[household.groupOfAccount[a]]
            let cap = max(0, household.maxSpend(account: a))
            for s in group.targets.keys.sorted() where group.targets[s]! > 0 && !household.blockedSymbols.contains(s) {
                purchases.append(Purchase(account: a, symbol: s, variable: model.addVariable(lower: 0, upper: cap)))
            }
        }

        // Cash: e_a − Σ v + Σ y = cash + flow − minCash.
        for (a, account) in accounts.enumerated() {
            let e = model.addVariable(lower: 0)
            excessCash.append(e)
            var terms = [Term(e, 1)]
            for l in household.lotsByAccount[a] { terms.append(Term(sells[l], -1)) }
            for p in purchases where p.account == a { terms.append(Term(p.variable, 1)) }
            model.addConstraint(terms, equalTo: account.cash + account.flow - account.minCash)
            if let cap = sellCap[a], cap > 0 {
                model.addConstraint(household.lotsByAccount[a].map { Term(sells[$0], 1) }, upper: cap)
            }
        }

        // Deviations: Σ p(q − x) + Σ y − w·I = d⁺ − d⁻ for each group and symbol it targets or holds.
        let bandPoints: Double? = if case .band(let points) = strategy { points } else { nil }
        for (g, group) in household.groups.enumerated() {
            var lotsOf: [Int: [Int]] = [:]
            for a in group.accounts { for l in household.lotsByAccount[a] { lotsOf[household.lots[l].symbol, default: []].append(l) } }
            deviations.append([:])
            for s in group.symbols {
                let plus = model.addVariable(lower: 0)
                let minus = model.addVariable(lower: 0)
                deviations[g][s] = (plus, minus)
                var terms = [Term(plus, -1), Term(minus, 1)]
                var held = 0.0
                for l in lotsOf[s] ?? [] {
                    terms.append(Term(sells[l], -1))
                    held += household.lots[l].value
                }
                for p in purchases where p.symbol == s && household.groupOfAccount[p.account] == g {
                    terms.append(Term(p.variable, 1))
                }
                model.addConstraint(terms, equalTo: (group.targets[s] ?? 0) * group.investable - held)
                misallocation += [Term(plus, 0.5), Term(minus, 0.5)]
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
        for e in excessCash {
            misallocation.append(Term(e, 0.5))
            bandMisallocation.append(Term(e, 0.5))
        }

        // LotTax = Σ r_l g_l x_l = Σ r_l (g_l / p) v_l;  Turn = Σ v + Σ y.
        for (l, lot) in household.lots.enumerated() {
            let coefficient = lot.rate * lot.gainPerShare / lot.price
            // Below 1e-12 of tax per dollar sold is nothing, and solvers cannot scale such values.
            if abs(coefficient) >= 1e-12 { lotTax.append(Term(sells[l], coefficient)) }
            turnover.append(Term(sells[l], 1))
        }
        turnover += purchases.map { Term($0.variable, 1) }

        switch strategy {
        case .cashOnly, .full:
            stages = [misallocation, lotTax, turnover]
        case .taxBudget(let budget):
            model.addConstraint(lotTax, upper: budget)
            stages = [misallocation, lotTax, turnover]
        case .taxAware(let kappa):
            stages = [misallocation.map { Term($0.variable, kappa * $0.coefficient) } + lotTax, turnover]
        case .band:
            stages = [bandMisallocation, lotTax, misallocation, turnover]
        case .fifo, .m1:
            stages = []
        }

        // Wash-sale guard candidates: symbols both bought somewhere and held at a taxable loss.
        var buying: [Int: [Int]] = [:], losses: [Int: [Int]] = [:], held: [Int: [Int]] = [:]
        for (p, purchase) in purchases.enumerated() { buying[purchase.symbol, default: []].append(p) }
        for (l, lot) in household.lots.enumerated() {
            held[lot.symbol, default: []].append(l)
            if lot.isGuardedLoss { losses[lot.symbol, default: []].append(l) }
        }
        for s in household.symbols.indices {
            if let bought = buying[s], let lost = losses[s] {
                candidateOfSymbol[s] = guardCandidates.count
                guardCandidates.append(GuardCandidate(symbol: s, purchases: bought, lossLots: lost, lots: held[s] ?? []))
            }
        }
    }

    /// The guard rows for one symbol: y ≤ M·z for every purchase; Σ v ≤ C·(1 − z) over the loss
    /// lots of each taxable account (C: what they are worth); and, per group, two cuts that make
    /// the relaxation charge drift for a conflict.
    ///
    /// With dev = held − w·I before trading, the deviation row says Σ_G v − Σ_G y = dev − (d⁺ − d⁻).
    /// If z = 1 no loss lot sells, so Σ_G y − Σ_{other lots} v ≤ d⁺ + max(−dev, 0); if z = 0 nothing is
    /// bought and the left side is ≤ 0. Hence Σ_G y − Σ_{other lots} v − d⁺ − max(−dev, 0)·z ≤ 0.
    /// Likewise, if z = 0, Σ_G v_loss ≤ d⁻ + max(dev, 0), and if z = 1 it is 0: hence
    /// Σ_G v_loss − d⁻ + max(dev, 0)·z ≤ max(dev, 0). Both hold at every feasible point; in the
    /// relaxation they stop a fractional z from buying and selling at a loss for free.
    func guardRows(_ candidate: GuardCandidate, binary z: Variable) -> [Row] {
        var rows: [Row] = []
        for p in candidate.purchases {
            let purchase = purchases[p]
            let bigM = max(0, household.maxSpend(account: purchase.account))
            rows.append(Row([Term(purchase.variable, 1), Term(z, -bigM)], upper: 0))
        }
        var lossLotsByAccount: [Int: [Int]] = [:]
        for l in candidate.lossLots { lossLotsByAccount[household.lots[l].account, default: []].append(l) }
        for a in lossLotsByAccount.keys.sorted() {
            let lots = lossLotsByAccount[a]!
            let worth = lots.reduce(0) { $0 + household.lots[$1].value }
            rows.append(Row(lots.map { Term(sells[$0], 1) } + [Term(z, worth)], upper: worth))
        }
        for (g, group) in household.groups.enumerated() {
            guard let deviation = deviations[g][candidate.symbol] else { continue }
            var held = 0.0
            var others: [Term] = [], losses: [Term] = []
            for l in candidate.lots where household.groupOfAccount[household.lots[l].account] == g {
                held += household.lots[l].value
                if household.lots[l].isGuardedLoss { losses.append(Term(sells[l], 1)) } else { others.append(Term(sells[l], -1)) }
            }
            let dev = held - (group.targets[candidate.symbol] ?? 0) * group.investable
            let bought = candidate.purchases.filter { household.groupOfAccount[purchases[$0].account] == g }
            if !bought.isEmpty {
                let terms = bought.map { Term(purchases[$0].variable, 1) } + others + [Term(deviation.plus, -1)]
                rows.append(Row(terms + Self.binaryTerm(z, -max(-dev, 0)), upper: 0))
            }
            if !losses.isEmpty {
                let room = max(dev, 0)
                rows.append(Row(losses + [Term(deviation.minus, -1)] + Self.binaryTerm(z, room), upper: room))
            }
        }
        return rows
    }

    /// `coefficient`·z, left out when the coefficient is too small to matter (or for a solver to scale).
    private static func binaryTerm(_ z: Variable, _ coefficient: Double) -> [Term] {
        abs(coefficient) < 1e-9 ? [] : [Term(z, coefficient)]
    }

    /// Dollars `values` spends on the candidate's symbol.
    func purchased(_ candidate: GuardCandidate, in values: [Double]) -> Double {
        candidate.purchases.reduce(0) { $0 + values[purchases[$1].variable.index] }
    }

    /// Dollars `values` raises from every lot of the candidate's symbol.
    func sold(_ candidate: GuardCandidate, in values: [Double]) -> Double {
        candidate.lots.reduce(0) { $0 + values[sells[$1].index] }
    }

    /// The variables a settlement of the candidate holds at zero: its purchases, or its loss lots.
    func settlement(_ candidate: GuardCandidate, allowPurchases: Bool) -> [Variable] {
        allowPurchases ? candidate.lossLots.map { sells[$0] } : candidate.purchases.map { purchases[$0].variable }
    }

    /// Every variable a settlement of the candidate may hold at zero.
    func settlementVariables(_ candidate: GuardCandidate) -> [Variable] {
        candidate.lossLots.map { sells[$0] } + candidate.purchases.map { purchases[$0].variable }
    }

    /// The guard candidate of a symbol, if the guard can bind on it.
    func guardCandidate(symbol: Int) -> GuardCandidate? {
        candidateOfSymbol[symbol].map { guardCandidates[$0] }
    }

    /// A point of the session's variables from `values` (which satisfy every guard and may
    /// predate the binaries): each binary is 1 where its symbol is bought, else 0.
    func incumbent(_ values: [Double], _ binaries: [Int: Variable], variableCount: Int) -> [Double] {
        var point = values + [Double](repeating: 0, count: max(0, variableCount - values.count))
        for (symbol, z) in binaries where z.index < point.count {
            guard let candidate = guardCandidate(symbol: symbol) else { continue }
            point[z.index] = purchased(candidate, in: values) > Self.tradeEpsilon ? 1 : 0
        }
        return point
    }

    /// Candidates (not yet guarded) that `values` both buys and sells at a loss.
    func conflicts(in values: [Double], excluding guarded: Set<Int>) -> [GuardCandidate] {
        guardCandidates.filter { candidate in
            !guarded.contains(candidate.symbol)
                && candidate.purchases.contains { values[purchases[$0].variable.index] > Self.tradeEpsilon }
                && candidate.lossLots.contains { values[sells[$0].index] > Self.tradeEpsilon }
        }
    }

    /// Dollars below which a solver value is numerical noise rather than a trade.
    static let tradeEpsilon = 1e-6
}
