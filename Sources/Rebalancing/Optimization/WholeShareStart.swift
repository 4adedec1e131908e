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
// Then positions are closed where that lowers D (`closings`: see the loop below and
// docs/engineering.md, "Whole shares: what the first stage lacks, and closings in the start").
//
// Nothing here is trusted: the point is a plan only if the model's own LP, with every integer
// column fixed at the point's values and each guard's side held by bounds, is optimal and breaks
// no guard (`solveRounded`); its value is that LP's. It is marked `time-limit`, never optimal.
extension Optimizer {
    /// The first plan above, or nil when the household has accounts with a minimum trade (not
    /// handled here), its D worked out from the rows is above `atMost`, or the model's LP
    /// refuses the point. `values`: a point of the stage's
    /// relaxation with the sides `sides` settled (true: purchases allowed); `held`: sides the
    /// session holds already (kept as they are); `closings`: positions may be closed (the drift
    /// stage's start after a time limit: not before branch and bound, whose path its cost would
    /// not change, nor under κ·D + Tax, where a closing in a taxable account realizes its gains).
    func wholeShareStart(
        _ built: RebalanceModel, _ session: Solver.Session, _ binaries: [Int: Variable], values: [Double],
        sides settledSides: [Int: Bool], held: [Int: Bool], atMost: Double = .infinity, closings: Bool = false
    ) throws(LinearProgrammingError) -> Solution? {
        let household = built.household
        let accounts = household.scenario.accounts
        guard accounts.contains(where: \.wholeShares), !accounts.contains(where: { $0.minTrade > 0 }) else { return nil }
        let started = Trace.now()
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
            // It may close (sell every lot, the fraction with the whole shares) where the model
            // has its closing column and every lot of it may be sold.
            let closable = order.closes != nil && lots.count == order.lots.count
            positions.append(
                WholeSharePosition(
                    account: a, symbol: s, price: p, most: most, sellable: sellable, lots: lots, purchase: order.purchase,
                    net: net, classIndex: c, closedValue: closable ? p * sellableShares : nil))
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
        func canStep(_ i: Int, _ step: Double) -> Bool {
            guard !positions[i].closed else { return false }
            let net = positions[i].net + step
            return net <= positions[i].most && -net <= positions[i].sellable
        }
        func move(_ i: Int, dollars: Double) {
            excess[positions[i].account] -= dollars
            deviation[household.groupOfAccount[positions[i].account]][positions[i].classIndex] += dollars
        }
        func apply(_ changes: [(Int, Double)]) {
            for (i, step) in changes {
                positions[i].net += step
                move(i, dollars: step * positions[i].price)
            }
        }
        /// Account a's single-symbol steps: one or two shares, and with closings as many as bring
        /// the class to its target or spend the account's excess cash (a closing leaves thousands
        /// to spend; without closings, the steps the start took before closings were tried).
        func steps(_ i: Int) -> [Double] {
            guard closings else { return [1, 2, -1, -2] }
            let p = positions[i].price
            let dev = deviation[household.groupOfAccount[positions[i].account]][positions[i].classIndex]
            var list: [Double] = [1, 2, -1, -2]
            for k in [(-dev / p).rounded(.down), (-dev / p).rounded(.up), (excess[positions[i].account] / p).rounded(.down)]
            where abs(k) > 2 && abs(k) < 1e9 {
                list.append(k)
            }
            return list
        }
        /// The change of D of a move of up to three positions of account a (shares; index −1:
        /// unused), nil where a position may not take it or the account's cash would fall short.
        func change(_ a: Int, _ m: StartMove) -> Double? {
            guard canStep(m.i, m.si), m.j < 0 || canStep(m.j, m.sj), m.k < 0 || canStep(m.k, m.sk) else { return nil }
            let di = m.si * positions[m.i].price
            let dj = m.j < 0 ? 0 : m.sj * positions[m.j].price
            let dk = m.k < 0 ? 0 : m.sk * positions[m.k].price
            let cash = di + dj + dk
            guard excess[a] - cash >= -1e-9 else { return nil }
            let g = household.groupOfAccount[a]
            let ci = positions[m.i].classIndex
            let cj = m.j < 0 ? -1 : positions[m.j].classIndex
            let ck = m.k < 0 ? -1 : positions[m.k].classIndex
            var result = -0.5 * cash
            func add(_ c: Int, _ dollars: Double) {
                let dev = deviation[g][c]
                result += 0.5 * (abs(dev + dollars) - abs(dev))
            }
            // (Per class: the changes of one class summed.)
            add(ci, di + (cj == ci ? dj : 0) + (ck == ci ? dk : 0))
            if cj >= 0 && cj != ci { add(cj, dj + (ck == cj ? dk : 0)) }
            if ck >= 0 && ck != ci && ck != cj { add(ck, dk) }
            return result
        }
        /// One step at a time, the move that lowers D the most, until none does (`quick`: steps
        /// in one symbol only, for the closings' trials).
        var stepsTaken = 0
        func descend(quick: Bool = false) {
            for _ in 0..<Self.startMoves {
                var best: (change: Double, move: StartMove)?
                func consider(_ a: Int, _ m: StartMove) {
                    guard let c = change(a, m), c < -1e-7, best.map({ c < $0.change }) ?? true else { return }
                    best = (c, m)
                }
                for a in traded {
                    let indices = byAccount[a]!
                    for i in indices {
                        for step in steps(i) { consider(a, StartMove(i: i, si: step)) }
                        if quick { continue }
                        for j in indices where j != i {
                            for (sold, bought) in Self.exchanges { consider(a, StartMove(i: i, si: -sold, j: j, sj: bought)) }
                            for k in indices where k != i && k != j {
                                if j < k { consider(a, StartMove(i: i, si: 1, j: j, sj: -1, k: k, sk: -1)) }
                                if i < j { consider(a, StartMove(i: i, si: 1, j: j, sj: 1, k: k, sk: -1)) }
                            }
                        }
                    }
                }
                guard let best else { break }
                stepsTaken += 1
                let m = best.move
                apply([(m.i, m.si)] + (m.j < 0 ? [] : [(m.j, m.sj)]) + (m.k < 0 ? [] : [(m.k, m.sk)]))
            }
        }
        descend()
        // Closings: selling a position's fraction moves its class by less than a share, which
        // whole shares alone cannot (without closings, household 2 of `rebalance generate
        // --households 10 --seed 1` in whole shares has no plan below 643 in D; with them 279 is
        // reached). A position is closed where that, and the descent after it, lowers D; the
        // first such closing is kept, and the positions are scanned again (at most
        // `startClosings` trials).
        var trials = 0
        let withoutClosings = positions
        let budget = stepsTaken + Self.startClosingSteps
        var closedSome = closings
        while closedSome {
            closedSome = false
            for i in positions.indices where positions[i].closedValue != nil && !positions[i].closed {
                guard stepsTaken < budget else { break }
                trials += 1
                let before = estimate()
                let saved = (positions, excess, deviation)
                let a = positions[i].account
                let dollars = -positions[i].closedValue! - positions[i].price * positions[i].net
                guard excess[a] - dollars >= -1e-9 else { continue }
                positions[i].net = -positions[i].sellable
                positions[i].closed = true
                move(i, dollars: dollars)
                descend()
                if estimate() < before - 1e-7 {
                    closedSome = true
                } else {
                    (positions, excess, deviation) = saved
                }
            }
        }

        Trace.log { "whole-share start: rounded \(rounded), improved \(estimate()), \(trials) closings tried, \(stepsTaken) steps, \(Trace.since(started)) s" }
        // (Above `atMost`, the session is left as it is: its LP would move the basis.)
        if estimate() > atMost + 1e-6 { return nil }
        // The point in dollars (sales spread over the lots that may be sold), checked by the LP.
        func point(_ positions: [WholeSharePosition]) -> [Double] {
            var point = values
            for position in positions {
                if let y = position.purchase { point[y.index] = max(0, position.net) * position.price }
                var left = position.closed ? position.closedValue! : max(0, -position.net) * position.price
                if let order = built.orders.orders[ExecutableOrders.Key(account: position.account, symbol: position.symbol)] {
                    for v in order.lots { point[v.index] = 0 }
                }
                for l in position.lots {
                    let take = min(left, household.lots[l].value)
                    point[built.sells[l].index] = take
                    left -= take
                }
            }
            return point
        }
        let toSettle = side.filter { held[$0.key] == nil }
        try settle(toSettle, built, session)
        defer { try? release(Array(toSettle.keys), built, session) }
        var solution = try solveRounded(built, session, binaries, point(positions))
        Trace.log { "whole-share start: \(solution.map { String($0.objectiveValue) } ?? "refused by the LP")" }
        // With closings kept, the point without them too: the stage's objective may be κ·D + Tax
        // (tax-aware), where a closing in a taxable account realizes its gains.
        if positions.contains(where: \.closed), let plain = try solveRounded(built, session, binaries, point(withoutClosings)),
            solution.map({ plain.objectiveValue < $0.objectiveValue }) ?? true
        {
            Trace.log { "whole-share start: without closings \(plain.objectiveValue), kept" }
            solution = plain
        }
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

    /// The steps of descent the closings' trials may take in all (a trial's last descent is
    /// finished): on households 1, 2, 3, 5 and 9 of `rebalance generate --households 10 --seed 1`
    /// in whole shares, 5,400 to 8,400 steps for every trial to its end, each a scan of every move.
    static var startClosingSteps: Int { 6_000 }
}

/// A move of the start's descent: up to three positions of one account (index −1: unused), each
/// by a number of shares.
private struct StartMove {
    var i: Int, si: Double
    var j = -1, sj = 0.0
    var k = -1, sk = 0.0
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
    /// What closing the position sells (every lot, the fraction included); nil where it may not close.
    let closedValue: Double?
    /// Closed: every lot sold, nothing bought (`net` is then −`sellable`, the whole shares).
    var closed = false
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
            let start = try wholeShareStart(
                built, session, [:], values: trial.values, sides: settled, held: [:], closings: strategy.kind.stages.first == .misallocation)
        else { return nil }
        return extract(built, start, strategy: strategy, marginal: nil)
    }
}
