import LinearProgramming

// A plan in whole shares for the drift stage (D alone; also tax-aware's first stage, κ·D + Tax:
// see `startsInWholeShares`) where branch and bound runs out of time without one, or with a
// worse one.
//
// Why: the drift stage's relaxation lets every class sit at its target in fractions, so branch
// and bound's nodes stay fractional for thousands of nodes. And the model it searches has no
// wash-sale guard rows but those a conflict has called for so far (they are added after a
// search that ends, `branchAndBound` in WashSaleGuard.swift), so the points it finds may buy a
// symbol in one account and sell its loss lot in another: no plan. On households 1, 3, 5 and 9
// of `rebalance generate --households 10 --seed 1` in whole shares, with `--time-limit 10`,
// the drift stage ended with no plan at all (household 1: GLPK's best point, 1,288 after
// 12,000 nodes, broke a guard; HiGHS 1.16 on the same model, dumped with `glp_write_lp`, finds
// 630.86 without the guards, and with every guard's binary and rows 716.13, its bound 668.67
// after 120 s).
//
// How: from the relaxation's settled point (it satisfies every guard by its settlement), each
// account's net whole-share trade in each symbol is rounded (purchases down, sales up, within
// what it may buy and sell), and then improved a step at a time: in one account, buy or sell
// one or two shares of a symbol, or sell some of one symbol for some of another (1 for 1, 2 or
// 3; 2 for 1 or 3; 3 for 1 or 2), or buy one of a symbol and sell one each of two others (or the
// reverse), whichever lowers D the most while the account's cash stays at or above its floor,
// until no step lowers D. D is tracked from the rows: a net purchase of B dollars of a symbol in
// account a moves its class's deviation (in a's group) by +B and a's excess cash by −B, and
// D = ½ Σ |dev| + ½ Σ e. Each identical group the guard may bind on keeps one side throughout:
// the relaxation's settlement where it has one, else buying where the point buys it, else
// selling its loss lots where the point sells them, else buying; on the buying side its loss
// lots are not sold (they are left out of what may be sold), on the other side nothing of it is
// bought.
//
// Nothing here is trusted: the point is a plan only if the model's own LP, with every integer
// column fixed at the point's values and each guard's side held by bounds, is optimal and breaks
// no guard (`solveRounded`); its value is that LP's. It is marked `time-limit`, never optimal.
extension Optimizer {
    /// The first plan above, or nil when the household has accounts with a minimum trade (not
    /// handled here), its D worked out from the rows is above `atMost`, or the model's LP
    /// refuses the point. `values`: a point of the stage's
    /// relaxation with the sides `sides` settled (true: purchases allowed); `held`: sides the
    /// session holds already (kept as they are).
    func wholeShareStart(
        _ built: RebalanceModel, _ session: Solver.Session, _ binaries: [Int: Variable], values: [Double],
        sides settledSides: [Int: Bool], held: [Int: Bool], atMost: Double = .infinity
    ) throws(LinearProgrammingError) -> Solution? {
        let household = built.household
        let accounts = household.scenario.accounts
        guard accounts.contains(where: \.wholeShares), !accounts.contains(where: { $0.minTrade > 0 }) else { return nil }
        let key = household.identicalKey
        // Each guard candidate's side.
        var side: [Int: Bool] = [:]
        for candidate in built.guardCandidates {
            if let s = held[candidate.symbol] ?? settledSides[candidate.symbol] {
                side[candidate.symbol] = s
            } else if built.purchased(candidate, in: values) > RebalanceModel.tradeEpsilon {
                side[candidate.symbol] = true
            } else {
                side[candidate.symbol] = !candidate.lossLots.contains { values[built.sells[$0].index] > RebalanceModel.tradeEpsilon }
            }
        }
        func mayBuy(_ symbol: Int) -> Bool {
            guard built.candidateOfSymbol[key[symbol]] != nil else { return true }
            return side[key[symbol]] ?? true
        }

        var positions: [WholeSharePosition] = []
        var excess = built.excessCash.map { values[$0.index] }
        var deviation: [[Double]] = household.groups.enumerated().map { g, group in
            group.classes.map { class_ in
                guard let d = built.deviations[g][class_.symbol] else { return 0 }
                return values[d.plus.index] - values[d.minus.index]
            }
        }
        for orderKey in built.orders.orders.keys.sorted(by: { ($0.account, $0.symbol) < ($1.account, $1.symbol) }) {
            let order = built.orders.orders[orderKey]!
            guard order.wholeShares else { continue }
            let a = orderKey.account, s = orderKey.symbol, p = order.price
            let g = household.groupOfAccount[a]
            guard let c = household.groups[g].classIndex[s] else { return nil }
            // The lots it may sell: those with room, less the guard's loss lots on the buying side.
            let lots = household.lotsByAccount[a].filter { l in
                let lot = household.lots[l]
                guard lot.symbol == s, built.model.columns[built.sells[l].index].upper > 0 else { return false }
                if lot.isGuardedLoss, built.candidateOfSymbol[key[s]] != nil, side[key[s]] == true {
                    return false
                }
                return true
            }
            let sellableShares = lots.reduce(0) { $0 + household.lots[$1].shares }
            let sellable = (sellableShares + ExecutableOrders.wholeTolerance).rounded(.down)
            let most = mayBuy(s) ? (order.bought.map { built.model.columns[$0.index].upper } ?? 0) : 0
            let bought = order.purchase.map { max(0, values[$0.index]) } ?? 0
            let sold = order.lots.reduce(0) { $0 + max(0, values[$1.index]) }
            // Rounded: the net trade (the relaxation may both buy and sell a symbol in one
            // account), purchases down, sales up, within what may be bought and sold.
            let net =
                bought >= sold
                ? min(((bought - sold) / p + 1e-9).rounded(.down), most)
                : -min(((sold - bought) / p - 1e-9).rounded(.up), sellable)
            let moved = p * net - (bought - sold)
            excess[a] -= moved
            deviation[g][c] += moved
            positions.append(
                WholeSharePosition(
                    account: a, symbol: s, price: p, most: most, sellable: sellable, lots: lots, purchase: order.purchase,
                    net: net, classIndex: c))
        }
        guard !positions.isEmpty else { return nil }
        let byAccount = Dictionary(grouping: positions.indices, by: { positions[$0].account })
        // (In account order: the first of equal steps is taken, the same on every run.)
        let traded = byAccount.keys.sorted()

        // Sales that the rounding capped may leave an account short: fewer purchases first.
        for a in traded where excess[a] < -1e-9 {
            let indices = byAccount[a]!
            let g = household.groupOfAccount[a]
            for i in indices.sorted(by: { deviation[g][positions[$0].classIndex] > deviation[g][positions[$1].classIndex] }) {
                while excess[a] < -1e-9 && positions[i].net > 0 {
                    positions[i].net -= 1
                    excess[a] += positions[i].price
                    deviation[g][positions[i].classIndex] -= positions[i].price
                }
            }
            if excess[a] < -1e-9 { return nil }
        }

        func estimate() -> Double { 0.5 * (deviation.joined().reduce(0) { $0 + abs($1) } + excess.reduce(0, +)) }
        let rounded = estimate()
        // One share at a time, the move that lowers D the most.
        /// The change of D when account a's net purchases move by `changes` (position, dollars).
        func delta(_ a: Int, _ changes: [(Int, Double)]) -> Double? {
            var cash = 0.0
            var classes: [Int: Double] = [:]
            for (i, dollars) in changes {
                cash += dollars
                classes[positions[i].classIndex, default: 0] += dollars
            }
            guard excess[a] - cash >= -1e-9 else { return nil }
            let g = household.groupOfAccount[a]
            var change = -0.5 * cash
            for (c, dollars) in classes {
                let dev = deviation[g][c]
                change += 0.5 * (abs(dev + dollars) - abs(dev))
            }
            return change
        }
        func canStep(_ i: Int, _ step: Double) -> Bool {
            let net = positions[i].net + step
            return net <= positions[i].most && -net <= positions[i].sellable
        }
        func apply(_ changes: [(Int, Double)]) {
            for (i, step) in changes {
                let p = positions[i].price
                positions[i].net += step
                excess[positions[i].account] -= step * p
                deviation[household.groupOfAccount[positions[i].account]][positions[i].classIndex] += step * p
            }
        }
        for _ in 0..<Self.startMoves {
            var best: (change: Double, moves: [(Int, Double)])?
            func consider(_ a: Int, _ moves: [(Int, Double)]) {
                guard moves.allSatisfy({ canStep($0.0, $0.1) }),
                    let change = delta(a, moves.map { ($0.0, $0.1 * positions[$0.0].price) }),
                    change < -1e-7, best.map({ change < $0.change }) ?? true
                else { return }
                best = (change, moves)
            }
            for a in traded {
                let indices = byAccount[a]!
                for i in indices {
                    for step in [1.0, 2, -1, -2] { consider(a, [(i, step)]) }
                    for j in indices where j != i {
                        for (sold, bought) in Self.exchanges { consider(a, [(i, -sold), (j, bought)]) }
                        for k in indices where k != i && k != j {
                            if j < k { consider(a, [(i, 1), (j, -1), (k, -1)]) }
                            if i < j { consider(a, [(i, 1), (j, 1), (k, -1)]) }
                        }
                    }
                }
            }
            guard let best else { break }
            apply(best.moves)
        }

        Trace.log { "whole-share start: rounded \(rounded), improved \(estimate())" }
        // (Above `atMost`, the session is left as it is: its LP would move the basis.)
        if estimate() > atMost + 1e-6 { return nil }
        // The point in dollars (sales spread over the lots that may be sold), checked by the LP.
        var point = values
        for position in positions {
            if let y = position.purchase { point[y.index] = max(0, position.net) * position.price }
            var left = max(0, -position.net) * position.price
            if let order = built.orders.orders[ExecutableOrders.Key(account: position.account, symbol: position.symbol)] {
                for v in order.lots { point[v.index] = 0 }
            }
            for l in position.lots {
                let take = min(left, household.lots[l].value)
                point[built.sells[l].index] = take
                left -= take
            }
        }
        let toSettle = side.filter { held[$0.key] == nil }
        try settle(toSettle, built, session)
        defer { try? release(Array(toSettle.keys), built, session) }
        let solution = try solveRounded(built, session, binaries, point)
        Trace.log { "whole-share start: \(solution.map { String($0.objectiveValue) } ?? "refused by the LP")" }
        return solution
    }

    /// The first stages a whole-share start is built for, where branch and bound out of time may
    /// leave no plan at all: D (`full`, `cash-only`, `tax-budget`) and κ·D + Tax (`tax-aware`).
    /// The moves lower D alone; under κ·D + Tax the start's value is still its LP's, the stage's
    /// objective at the rounded point, and branch and bound's plan is kept where it is lower.
    static func startsInWholeShares(_ stage: Stage) -> Bool {
        switch stage {
        case .misallocation, .misallocationAndTax: true
        case .bandMisallocation, .tax, .harvest, .turnover: false
        }
    }

    /// The exchanges of one account tried at each step: (shares sold of one symbol, shares
    /// bought of another).
    static var exchanges: [(Double, Double)] { [(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 3), (3, 2)] }

    /// At most this many moves (each lowers D by at least 1e-7).
    static var startMoves: Int { 5_000 }
}

/// One account's orders in one symbol, in whole shares.
private struct WholeSharePosition {
    let account: Int, symbol: Int, price: Double
    /// Whole shares it may buy and sell; the lots it may sell.
    let most: Double, sellable: Double, lots: [Int]
    let purchase: Variable?
    /// Net whole shares bought (negative: sold).
    var net: Double
    /// Class index of the symbol in the account's group.
    let classIndex: Int
}

extension Optimizer {
    /// The drift stage's whole-share start for `household` under `strategy`, from the stage's
    /// relaxation with its conflicts settled as `solveGuarded` first settles them (for tests:
    /// the planner builds it only where branch and bound runs out of time).
    func wholeShareStart(_ household: Household, strategy: Strategy) throws(LinearProgrammingError) -> Plan? {
        let built = RebalanceModel(household, strategy: strategy.kind)
        let session = try solver.makeSession(built.model)
        try session.setObjective(built.misallocation)
        let relaxation = session.solveRelaxation()
        guard relaxation.status.isOptimal else { return nil }
        var settled: [Int: Bool] = [:]
        let trial = try settleConflicts(relaxation, &settled, built, session, [:], previous: nil, bySolving: false)
        try release(Array(settled.keys), built, session)
        guard trial.status.isOptimal,
            let start = try wholeShareStart(built, session, [:], values: trial.values, sides: settled, held: [:])
        else { return nil }
        return extract(built, start, strategy: strategy, marginal: nil)
    }
}
