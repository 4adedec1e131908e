import GLPKSolver
import LinearProgramming

@testable import Rebalancing

// The scale check: bounds on each stage's optimum, worked out here from the household alone
// (docs/strategies.md and docs/tax-model.md, sharing nothing with RebalanceModel, Optimizer or WashSaleGuard), against which
// a plan's stage values are certified. Two bounds:
//
// 1. The separable drift bound (D and D_β stages), in closed form. For a group G and symbol s
//    let dev0_s = H_s − w_s·I_G (held minus target, before trading). After a plan, with x_s the
//    dollars sold of s in G and y_s those bought, dev_s = dev0_s − x_s + y_s. Write P = Σ_s dev_s⁺,
//    N = Σ_s dev_s⁻, E = Σ_a e_a (cash left above minCash) and W = Σ_s w_s (1 up to the pie's
//    rounding). Summing the cash rows, E = I_G − Σ_s H_s + X − Y, and Σ_s dev_s = Σ_s H_s − X + Y − W·I_G,
//    so P − N + E = (1 − W)·I_G and
//        D_G = ½(P + N + E) = N + ½(1 − W)·I_G = P + E − ½(1 − W)·I_G.
//    Each symbol's part is bounded by what the feasible trades can do to it alone: x_s ≤ its
//    sellable value S_s (lots not doNotSell, and under cash-only in accounts that must sell), so
//    dev_s⁺ ≥ O_s = max(0, dev0_s − S_s); y_s > 0 only where some account of G may buy s, so
//    dev_s⁻ ≥ U_s = max(0, −dev0_s) where none may (else 0). And the whole group's trades are
//    bounded: P ≥ P0 − X_max (P0 = Σ dev0⁺; X_max: what G may sell in all, cash-only's caps
//    included) and N ≥ N0 − Y_max (N0 = Σ dev0⁻; Y_max: cash, flow and sellable value, less
//    minCash). With E ≥ 0:
//        D_G ≥ max(Σ O_s, P0 − X_max) − ½(1 − W)·I_G   and   D_G ≥ max(Σ U_s, N0 − Y_max) + ½(1 − W)·I_G.
//    Everything above is per class (docs/scenario-format.md: a leaf's symbol and its alternates fill one target;
//    "symbol" reads "class"): x_s, y_s, H_s are the class's members' together. The wash-sale
//    guard only removes plans, so the bound holds with it. For D_β each class's
//    |dev_s| is at least max(O_s, U_s), so D_β,G ≥ ½ Σ_s max(0, max(O_s, U_s) − b).
//
// 2. The LP dual bound of every stage. The LP below has a column per lot sold (dollars), per
//    purchase, per account's cash, per deviation part, and one epigraph column per convex branch
//    of Tax (T = min(F1, F2), as in TaxModel's derivation: a stage with Tax is bounded by the
//    least of its branches' LPs). The wash-sale guard is relaxed to two cuts per group and
//    class whose members are all of one identical group, valid for every plan that obeys it (z:
//    some member of that identical group is bought anywhere; L: dollars of the class's taxable
//    loss lots sold in G, O: its other lots sold, y: its purchases in G):
//      L − d⁻ ≤ max(dev0, 0): if z, L = 0; if not, y = 0 and d⁻ ≥ x − dev0 ≥ L − dev0.
//      y − O − d⁺ ≤ max(−dev0, 0): if not z, y = 0; if z, no loss lot sells, x = O and
//        d⁺ ≥ dev0 − O + y.
//    Earlier stages are held at the plan's own values plus the stage margin M = 0.01 + 1e-7·Σ I_G
//    (a superset of the optimizer's region, since the plan's values are at least the optima).
//    GLPK solves it, but its answer is not trusted: the bound is recomputed here from its row
//    duals π by weak (Lagrangian) duality, valid for any π of the right signs:
//        LB = Σ_r π_r·b_r + Σ_j min over [l_j, u_j] of (c_j − Σ_r π_r a_rj)·x_j,
//    with every column boxed by a bound no plan exceeds. (A branch GLPK calls infeasible is
//    taken as holding no plan: the one verdict used as given.)
//
// A stage is certified when the plan's value is at most its bound plus a tolerance: the model's
// margin times (1 + the held rows' duals), the first-order effect of the margins on the bound.
struct StageCertificate {
    struct StageResult: CustomStringConvertible {
        let stage: Stage
        let planValue: Double
        /// The LP dual bound (nil when no branch is feasible).
        let lpBound: Double?
        /// The separable bound, for the drift stages.
        let separableBound: Double?
        let tolerance: Double

        var bound: Double? {
            [lpBound, separableBound].compactMap { $0 }.max()
        }
        /// The plan's value is within the tolerance of a lower bound on the stage's optimum.
        var isCertified: Bool { bound.map { planValue <= $0 + tolerance } ?? false }
        /// The plan claims no less than is possible (a plan below the bound would be wrong).
        var isConsistent: Bool { bound.map { planValue >= $0 - tolerance } ?? true }

        var description: String {
            "\(stage): plan \(planValue), LP bound \(lpBound.map { "\($0)" } ?? "none"), "
                + "separable \(separableBound.map { "\($0)" } ?? "—"), tolerance \(tolerance)"
        }
    }

    let household: Household
    let strategy: Strategy

    var margin: Double { 0.01 + 1e-7 * household.totalInvestable }

    /// Every stage of the strategy, with the plan's value and the bounds.
    func check(_ plan: Plan) throws -> [StageResult] {
        let stages = strategy.kind.stages
        let values = stages.map { value($0, of: plan) }
        var lp = StageLP(household, strategy: strategy)
        var results: [StageResult] = []
        for (k, stage) in stages.enumerated() {
            let (bound, heldDuals) = try lp.bound(stage, held: Array(zip(stages, values).prefix(k)), margin: margin)
            let separable: Double? =
                switch stage {
                case .misallocation where k == 0: separableDriftBound()
                case .bandMisallocation(let points) where k == 0: separableBandBound(points: points)
                default: nil
                }
            results.append(
                StageResult(
                    stage: stage, planValue: values[k], lpBound: bound, separableBound: separable,
                    tolerance: 1e-6 * max(1, abs(values[k])) + margin * (1 + heldDuals)))
        }
        return results
    }

    // MARK: The plan's stage values (docs/strategies.md and docs/tax-model.md from the trades)

    func value(_ stage: Stage, of plan: Plan) -> Double {
        switch stage {
        case .misallocation: drift(plan, band: nil)
        case .bandMisallocation(let points): drift(plan, band: points)
        case .tax: tax(plan)
        case .misallocationAndTax(let kappa): kappa * drift(plan, band: nil) + tax(plan)
        case .harvest: lotTax(plan) + household.scenario.tax.tradingCost * turnover(plan)
        case .turnover: turnover(plan)
        }
    }

    func drift(_ plan: Plan, band: Double?) -> Double {
        let accounts = household.scenario.accounts
        var cash = accounts.map { $0.cash + $0.flow - $0.minCash }
        // Held value by group and class (docs/scenario-format.md: a class's members fill its target together).
        var held = household.groups.map { [Double](repeating: 0, count: $0.classes.count) }
        func classOf(_ g: Int, _ s: Int) -> Int {
            guard let c = household.groups[g].classIndex[s] else { fatalError("symbol \(s) is in no class of group \(g)") }
            return c
        }
        for (l, lot) in household.lots.enumerated() {
            let sold = plan.sharesSold[l] * lot.price
            let g = household.groupOfAccount[lot.account]
            held[g][classOf(g, lot.symbol)] += lot.value - sold
            cash[lot.account] += sold
        }
        for p in plan.purchases {
            let g = household.groupOfAccount[p.account]
            held[g][classOf(g, p.symbol)] += p.amount
            cash[p.account] -= p.amount
        }
        var total = 0.0
        for (g, group) in household.groups.enumerated() {
            let free = (band ?? 0) / 100 * group.investable
            for (c, kind) in group.classes.enumerated() {
                let dev = held[g][c] - kind.target * group.investable
                total += 0.5 * max(0, abs(dev) - free)
            }
            for a in group.accounts { total += 0.5 * max(0, cash[a]) }
        }
        return total
    }

    func tax(_ plan: Plan) -> Double {
        var short = 0.0, long = 0.0
        for (l, lot) in household.lots.enumerated() where lot.isTaxable && !lot.isLookBack {
            if lot.isLongTerm { long += lot.gainPerShare * plan.sharesSold[l] } else { short += lot.gainPerShare * plan.sharesSold[l] }
        }
        return PlanVerifier.tax(household.scenario.tax, planShortTerm: short, planLongTerm: long)
    }

    func lotTax(_ plan: Plan) -> Double {
        household.lots.enumerated().reduce(0) { $0 + $1.element.rate * $1.element.gainPerShare * plan.sharesSold[$1.offset] }
    }

    func turnover(_ plan: Plan) -> Double {
        household.lots.enumerated().reduce(0) { $0 + $1.element.price * plan.sharesSold[$1.offset] }
            + plan.purchases.reduce(0) { $0 + $1.amount }
    }

    // MARK: The separable drift bound

    /// Per symbol of a group: the overweight O_s and underweight U_s no feasible trade removes.
    private func unavoidable(_ g: Int) -> (over: [Double], under: [Double], p0: Double, n0: Double, xMax: Double, yMax: Double, w: Double) {
        let group = household.groups[g]
        let accounts = household.scenario.accounts
        var heldValue: [Int: Double] = [:], sellable: [Int: Double] = [:]  // by class index
        var sellableOfAccount: [Int: Double] = [:]
        for a in group.accounts {
            for l in household.lotsByAccount[a] {
                let lot = household.lots[l]
                let c = group.classIndex[lot.symbol]!
                heldValue[c, default: 0] += lot.value
                if !lot.doNotSell {
                    sellable[c, default: 0] += lot.value
                    sellableOfAccount[a, default: 0] += lot.value
                }
            }
        }
        var xMax = 0.0, yMax = 0.0
        var canSpend = Set<Int>()
        for a in group.accounts {
            let account = accounts[a]
            var sells = sellableOfAccount[a] ?? 0
            if strategy.kind.capsSellsAtNeed { sells = min(sells, max(0, account.minCash - account.cash - account.flow)) }
            xMax += sells
            let spend = account.cash + account.flow - account.minCash + sells
            yMax += max(0, spend)
            if spend > 0 { canSpend.insert(a) }
        }
        var over: [Double] = [], under: [Double] = []
        var p0 = 0.0, n0 = 0.0
        for (c, kind) in group.classes.enumerated() {
            let dev0 = (heldValue[c] ?? 0) - kind.target * group.investable
            p0 += max(0, dev0)
            n0 += max(0, -dev0)
            // Under cash-only an account sells only up to its need: the class's sellable value is
            // bounded by the group's too.
            over.append(max(0, dev0 - min(sellable[c] ?? 0, xMax)))
            let buyable = group.accounts.contains { a in
                canSpend.contains(a) && kind.members.contains { household.mayBuy(account: a, symbol: $0) }
            }
            under.append(buyable ? 0 : max(0, -dev0))
        }
        return (over, under, p0, n0, xMax, yMax, group.classes.reduce(0) { $0 + $1.target })
    }

    /// A lower bound on D (see the top of this file).
    func separableDriftBound() -> Double {
        household.groups.indices.reduce(0) { total, g in
            let u = unavoidable(g)
            let half = 0.5 * (1 - u.w) * household.groups[g].investable
            let fromOver = max(u.over.reduce(0, +), u.p0 - u.xMax) - half
            let fromUnder = max(u.under.reduce(0, +), u.n0 - u.yMax) + half
            return total + max(0, fromOver, fromUnder)
        }
    }

    /// A lower bound on D_β.
    func separableBandBound(points: Double) -> Double {
        household.groups.indices.reduce(0) { total, g in
            let u = unavoidable(g)
            let band = points / 100 * household.groups[g].investable
            return total + zip(u.over, u.under).reduce(0) { $0 + 0.5 * max(0, max($1.0, $1.1) - band) }
        }
    }
}

/// The stage LPs of the certificate, one per convex branch of Tax, built from the household.
struct StageLP {
    /// One LP: its rows kept here (exact coefficients) beside GLPK's session.
    final class Branch {
        var columns: [Column] = []
        var rows: [Row] = []
        var session: GLPKProblem?
        /// The held rows' indices (earlier stages).
        var held: [Int] = []
        var feasible = true
    }

    let household: Household
    let strategy: Strategy
    private var model = LinearModel()
    private var sells: [Variable] = []
    private var purchases: [(account: Int, symbol: Int, variable: Variable)] = []
    private var cash: [Variable] = []
    private var plus: [Variable] = [], minus: [Variable] = [], outside: [Variable] = []
    /// Tax = τ_b − T0 in branch b (nil τ: no branch needed, Tax never appears).
    private var taus: [Variable] = []
    private var t0 = 0.0
    private var branches: [Branch] = []
    private var bandPoints: Double?

    init(_ household: Household, strategy: Strategy) {
        self.household = household
        self.strategy = strategy
        let accounts = household.scenario.accounts
        bandPoints = strategy.kind.stages.lazy.compactMap { if case .bandMisallocation(let p) = $0 { p } else { nil } }.first
        let need = accounts.map { max(0, $0.minCash - $0.cash - $0.flow) }

        for lot in household.lots {
            let capped = strategy.kind.capsSellsAtNeed && need[lot.account] == 0
            sells.append(model.addVariable(lower: 0, upper: lot.doNotSell || capped ? 0 : lot.value))
        }
        for (a, _) in accounts.enumerated() {
            let spend = max(0, household.maxSpend(account: a))
            for s in household.symbols.indices where household.mayBuy(account: a, symbol: s) {
                purchases.append((a, s, model.addVariable(lower: 0, upper: spend)))
            }
        }
        for (a, account) in accounts.enumerated() {
            let e = model.addVariable(lower: 0, upper: max(0, household.maxSpend(account: a)))
            cash.append(e)
            var terms = [Term(e, 1)]
            terms += household.lotsByAccount[a].map { Term(sells[$0], -1) }
            terms += purchases.lazy.filter { $0.account == a }.map { Term($0.variable, 1) }
            model.addConstraint(terms, equalTo: account.cash + account.flow - account.minCash)
            if strategy.kind.capsSellsAtNeed && need[a] > 0 {
                model.addConstraint(household.lotsByAccount[a].map { Term(sells[$0], 1) }, upper: need[a])
            }
        }
        // Deviations, boxed by what no plan exceeds: |dev| ≤ H + what the group can spend + w·I.
        let key = household.identicalKey
        var lossAnywhere = Set<Int>(), buyAnywhere = Set<Int>()
        for lot in household.lots where lot.isGuardedLoss { lossAnywhere.insert(key[lot.symbol]) }
        for p in purchases { buyAnywhere.insert(key[p.symbol]) }
        // By group and class index.
        var lotsOf: [[Int: [Int]]] = household.groups.map { _ in [:] }
        for (l, lot) in household.lots.enumerated() {
            let g = household.groupOfAccount[lot.account]
            lotsOf[g][household.groups[g].classIndex[lot.symbol]!, default: []].append(l)
        }
        var purchasesOf: [[Int: [Int]]] = household.groups.map { _ in [:] }
        for (p, purchase) in purchases.enumerated() {
            let g = household.groupOfAccount[purchase.account]
            purchasesOf[g][household.groups[g].classIndex[purchase.symbol]!, default: []].append(p)
        }
        for (g, group) in household.groups.enumerated() {
            let spend = group.accounts.reduce(0) { $0 + max(0, household.maxSpend(account: $1)) }
            for (c, kind) in group.classes.enumerated() {
                let lots = lotsOf[g][c] ?? []
                let held = lots.reduce(0) { $0 + household.lots[$1].value }
                let target = kind.target * group.investable
                let box = held + spend + target + 1
                let dp = model.addVariable(lower: 0, upper: box), dm = model.addVariable(lower: 0, upper: box)
                plus.append(dp)
                minus.append(dm)
                let bought = (purchasesOf[g][c] ?? []).map { purchases[$0] }
                model.addConstraint(
                    [Term(dp, 1), Term(dm, -1)] + lots.map { Term(sells[$0], 1) } + bought.map { Term($0.variable, -1) },
                    equalTo: held - target)
                if let points = bandPoints {
                    let t = model.addVariable(lower: 0, upper: box)
                    outside.append(t)
                    let band = points / 100 * group.investable
                    model.addConstraint([Term(t, 1), Term(dp, -1)], lower: -band)
                    model.addConstraint([Term(t, 1), Term(dm, -1)], lower: -band)
                }
                // The guard's two cuts (see the top of the file), where every member of the class is
                // of one identical group (else buying one member need not stop selling another's losses).
                let k = key[kind.symbol]
                guard kind.members.allSatisfy({ key[$0] == k }), lossAnywhere.contains(k), buyAnywhere.contains(k) else { continue }
                let dev0 = held - target
                let loss = lots.filter { household.lots[$0].isGuardedLoss }, others = lots.filter { !household.lots[$0].isGuardedLoss }
                if !loss.isEmpty {
                    model.addConstraint(loss.map { Term(sells[$0], 1) } + [Term(dm, -1)], upper: max(dev0, 0))
                }
                if !bought.isEmpty {
                    model.addConstraint(
                        bought.map { Term($0.variable, 1) } + others.map { Term(sells[$0], -1) } + [Term(dp, -1)],
                        upper: max(-dev0, 0))
                }
            }
        }

        // Tax: S and L as linear forms of the sells; the pieces of T = min(F1, F2) (docs/tax-model.md).
        let settings = household.scenario.tax
        let s0 = settings.realizedThisYear.shortTerm - settings.carryforwardLoss.shortTerm
        let l0 = settings.realizedThisYear.longTerm - settings.carryforwardLoss.longTerm
        t0 = Self.t(s0, l0, settings)
        var sTerms: [Term] = [], lTerms: [Term] = []
        var sRange = (s0, s0), lRange = (l0, l0)
        for (l, lot) in household.lots.enumerated() where lot.isTaxable && !lot.isLookBack {
            let perDollar = lot.gainPerShare / lot.price
            let most = perDollar * model.columns[sells[l].index].upper
            if lot.isLongTerm {
                lTerms.append(Term(sells[l], perDollar))
                lRange = (lRange.0 + min(0, most), lRange.1 + max(0, most))
            } else {
                sTerms.append(Term(sells[l], perDollar))
                sRange = (sRange.0 + min(0, most), sRange.1 + max(0, most))
            }
        }
        let rST = settings.shortTermRate, rLT = settings.longTermRate, floor = -rST * settings.ordinaryOffsetLimit
        let pieces: [[(Double, Double)]] = [
            [(rST, rLT), (min(rST, rLT), min(rST, rLT))],  // F1 (and the floor)
            [(max(rST, rLT), max(rST, rLT)), (rST, rST)],  // F2 (and the floor)
        ]
        let corners = [(sRange.0, lRange.0), (sRange.0, lRange.1), (sRange.1, lRange.0), (sRange.1, lRange.1)]
        let top = pieces.flatMap { $0 }.map { a, b in corners.map { a * $0.0 + b * $0.1 }.max()! }.max()!
        for branch in pieces {
            let tau = model.addVariable(lower: floor, upper: max(floor, top) + 1)
            taus.append(tau)
            for (a, b) in branch {
                // τ − a·ΣS − b·ΣL ≥ a·s0 + b·l0.
                model.addConstraint(
                    [Term(tau, 1)] + sTerms.map { Term($0.variable, -a * $0.coefficient) } + lTerms.map { Term($0.variable, -b * $0.coefficient) },
                    lower: a * s0 + b * l0)
            }
        }
    }

    static func t(_ s: Double, _ l: Double, _ settings: TaxSettings) -> Double {
        TaxEstimate.tax(shortTerm: s, longTerm: l, settings)
    }

    func objective(_ stage: Stage, branch: Int) -> (terms: [Term], constant: Double) {
        let driftTerms = (plus + minus + cash).map { Term($0, 0.5) }
        let turnover = sells.map { Term($0, 1) } + purchases.map { Term($0.variable, 1) }
        switch stage {
        case .misallocation: return (driftTerms, 0)
        case .bandMisallocation: return ((outside).map { Term($0, 0.5) } + cash.map { Term($0, 0.5) }, 0)
        case .tax: return ([Term(taus[branch], 1)], -t0)
        case .misallocationAndTax(let kappa):
            return (driftTerms.map { Term($0.variable, kappa * $0.coefficient) } + [Term(taus[branch], 1)], -t0)
        case .harvest:
            let cost = household.scenario.tax.tradingCost
            let lotTax = household.lots.enumerated().map { Term(sells[$0.offset], $0.element.rate * $0.element.gainPerShare / $0.element.price) }
            return (lotTax + turnover.map { Term($0.variable, cost) }, 0)
        case .turnover: return (turnover, 0)
        }
    }

    /// The least over branches of the stage's LP bound with the earlier stages held at the
    /// plan's values plus `margin`; and the largest sum of the held rows' duals (for the tolerance).
    mutating func bound(_ stage: Stage, held: [(Stage, Double)], margin: Double) throws -> (Double?, Double) {
        if branches.isEmpty {
            branches = try (0..<2).map { index in
                let b = Branch()
                b.columns = model.columns
                b.rows = model.rows
                let session = try GLPKSolver().makeSession(Self.forGLPK(model))
                // tax-budget's row, Tax ≤ B, with the margin the verifier allows.
                if let budget = strategy.kind.taxBudget {
                    let row = Row([Term(taus[index], 1)], upper: budget + t0 + margin)
                    _ = try session.addConstraint(row)
                    b.rows.append(row)
                }
                b.session = session
                return b
            }
        }
        // Hold the earlier stages not held yet, in every branch.
        for (index, branch) in branches.enumerated() where branch.feasible {
            guard let session = branch.session else { continue }
            for (earlier, value) in held.dropFirst(branch.held.count) {
                let (terms, constant) = objective(earlier, branch: index)
                let row = Row(LinearModel.merged(terms), upper: value - constant + margin)
                _ = try session.addConstraint(Row(Self.significant(row.terms), upper: row.upper))
                branch.rows.append(row)
                branch.held.append(branch.rows.count - 1)
            }
        }
        // Before Tax appears (in the objective or a held row) the branches are the same LP.
        let taxSeen = stage.includesTax || held.contains { $0.0.includesTax } || strategy.kind.taxBudget != nil
        var best: Double?
        var dualSum = 0.0
        for (index, branch) in branches.enumerated() where branch.feasible && (taxSeen || index == 0) {
            guard let session = branch.session else { continue }
            let (terms, constant) = objective(stage, branch: index)
            let merged = LinearModel.merged(terms)
            try session.setObjective(Self.significant(merged))
            let status = session.solveLP()
            if status == .infeasible {
                branch.feasible = false
                continue
            }
            guard status == .optimal else { throw CertificateError.solverFailed("\(stage): \(status)") }
            let duals = session.rowDuals()
            let bound = Self.lagrangianBound(objective: merged, columns: branch.columns, rows: branch.rows, duals: duals) + constant
            best = min(best ?? bound, bound)
            dualSum = max(dualSum, branch.held.reduce(0) { $0 + abs(duals[$1]) })
        }
        return (best, dualSum)
    }

    /// Weak duality: for row multipliers π (clipped to the signs the rows' bounds allow),
    /// Σ π_r·b_r + Σ_j min over the column's box of the reduced cost times x_j ≤ every feasible value.
    static func lagrangianBound(objective: [Term], columns: [Column], rows: [Row], duals: [Double]) -> Double {
        var reduced = [Double](repeating: 0, count: columns.count)
        for term in objective { reduced[term.variable.index] += term.coefficient }
        var total = 0.0
        for (r, row) in rows.enumerated() {
            var pi = r < duals.count ? duals[r] : 0
            // π > 0 prices the lower bound, π < 0 the upper one: without that bound, no price.
            if pi > 0 && !row.lower.isFinite || pi < 0 && !row.upper.isFinite { pi = 0 }
            guard pi != 0 else { continue }
            total += pi * (pi > 0 ? row.lower : row.upper)
            for term in row.terms { reduced[term.variable.index] -= pi * term.coefficient }
        }
        for (j, column) in columns.enumerated() {
            total += min(reduced[j] * column.lower, reduced[j] * column.upper)
        }
        return total
    }

    /// GLPK refuses coefficients under 1e-20 and cannot scale tiny ones: it gets only those of
    /// at least 1e-12 (the bound is computed from the exact rows).
    static func significant(_ terms: [Term]) -> [Term] { terms.filter { abs($0.coefficient) >= 1e-12 } }

    static func forGLPK(_ model: LinearModel) -> LinearModel {
        var out = LinearModel()
        for column in model.columns { out.addVariable(lower: column.lower, upper: column.upper) }
        for row in model.rows { out.addConstraint(significant(LinearModel.merged(row.terms)), lower: row.lower, upper: row.upper) }
        return out
    }
}

enum CertificateError: Error {
    case solverFailed(String)
}
