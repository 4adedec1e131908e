import LinearProgramming

// The wash-sale guard of docs/strategies.md, household-wide: a plan that buys any member of an identical
// group sells no taxable lot of any member at a loss (a group is named by its first symbol). It
// is added lazily to each solve: the relaxation first, settling each conflict by bounds, binaries
// with cuts when the settlement is not proven optimal, and branch and bound only when both fail.
// The model's half (candidates, rows) is the extension of RebalanceModel below; the solving half
// is the extension of Optimizer.

extension Optimizer {
    /// Solves the loaded stage so that every wash-sale guard holds, in named steps:
    ///
    /// 1. `relax`: the LP relaxation (no guard but those with a binary, binaries between 0 and 1,
    ///    and the sides an earlier drift stage forces, `forced`: valid for every plan of this stage)
    ///    bounds the stage's optimum from below; so does `floor` when the caller knows one (the
    ///    separable drift bound, SeparableDriftBound.swift, for the drift stages), worked out
    ///    only when the relaxation's bound is not reached.
    /// 2. `settleConflicts`: a symbol the relaxation both buys and sells at a loss is settled by
    ///    bounds alone — its loss sales or its purchases held at zero — every conflict of a round
    ///    at once, and the LP solved again until no conflict is left. When that misses the bound,
    ///    `settleAgain` settles them again from the relaxation: in a stage with no earlier plan
    ///    each conflict on the side whose LP is lower, else by the point's leaning.
    /// 3. `roundedOrders` (order rules with 0/1 columns only): the settled point's trades rounded
    ///    to executable orders and the LP solved with them.
    /// 4. The settled point satisfies every guard: if it reaches the bound it is optimal.
    /// 5. If not, `otherSettlements` proves it optimal when one symbol was settled and its other
    ///    side's LP is no lower; else the settled symbols get binaries and guard rows
    ///    (`addGuards`, with cuts that charge drift for a conflict), which raises the relaxation,
    ///    and the steps run again.
    /// 6. `guardsBeforeOrders` (minimum trades, OrderRulesSearch.swift): the guards' binaries
    ///    decided by branch and bound with the order rules' columns relaxed, the orders rounded.
    /// 7. `branchAndBound` decides what the bounds could not.
    ///
    /// `stop`: a lower bound on the stage's optimum (the whole-share drift bound) that only
    /// branch and bound, in step 7, stops at (within `gap`). It is not a floor: above the
    /// relaxation, it would pass a settled point that is not integral as reaching the bound, and
    /// the steps would go to branch and bound without the guards' binaries (which then found
    /// points breaking the guard below every plan's D, and started over with them).
    ///
    /// `gap`: a point satisfying every guard may be returned once it is at most this far above a
    /// proven lower bound on the stage's optimum, which it then carries (``Solution/bound``; see
    /// `Optimizer.stageGap`). 0: only the optimum.
    ///
    /// `cutoff`: where a relaxation's bound is above it, no plan of this stage is at or below it,
    /// and the solve stops there, reporting none (as infeasible): `Optimizer.cutoff` for a tax
    /// branch solved after another, which it could then neither beat nor tie.
    func solveGuarded(
        _ built: RebalanceModel, _ session: Solver.Session, _ binaries: inout [Int: Variable], previous: [Double]?,
        gap: Double = 0, cutoff: Double = .infinity, floor: () -> Double? = { nil }, stop: () -> Double? = { nil },
        forced: () -> [Int: Bool] = { [:] },
        lagrangian: LagrangianRecord? = nil, relaxed: (_ optimal: Bool) -> Void = { _ in },
        wholeShareStart startsInWholeShares: Bool = false, startCloses: Bool = false
    ) throws(LinearProgrammingError) -> Solution {
        let slack = Self.tightTolerance(built.household) / 10
        var settled: [Int: Bool] = [:]
        /// Sides held for the whole solve, given back their bounds on the way out: those an
        /// earlier drift stage's separable bound forces (`RebalanceModel.forcedSides`), or a
        /// κ·D + Tax stage's Lagrangian bound (`LagrangianRecord.fixedSides`), rows no
        /// plan of this stage breaks, so the relaxation with them is still a bound, and a higher
        /// one. (Held only after a first relaxation and settlement without them, they cost the
        /// harvest stage of a direct-indexing household both: about 1 s of its 2.)
        var held = forced()
        defer { try? release(Array(held.keys), built, session) }
        if !held.isEmpty {
            try settle(held, built, session)
            Trace.log { "guards: \(held.count) sides forced by an earlier stage's bound" }
        }
        /// Whether the sides the Lagrangian bound fixes are held already.
        var fixedByBound = false
        var knownFloor: Double??
        func floorValue() -> Double? {
            if knownFloor == nil { knownFloor = .some(floor()) }
            return knownFloor!
        }
        func reaches(_ value: Double, _ relaxed: Double) -> Bool {
            if value <= relaxed + slack { return true }
            if let lagrangian, value <= lagrangian.lower + slack { return true }
            return floorValue().map { value <= $0 + slack } ?? false
        }
        // Settling by both sides costs two LPs a conflict. It pays where the floor can certify
        // its point (the drift stages) or where branch and bound is slow (large households); on
        // a small household with no floor, branch and bound decides for less.
        func solvesBothSides() -> Bool {
            built.household.lots.count >= AggregatedDrift.minimumLots || floorValue() != nil
        }
        /// The last solution satisfying every guard: returned if a later solve runs out of time,
        /// and branch and bound's first incumbent.
        var best: Solution?
        /// The settlement whose LP had `best`'s value as its optimum.
        var settledOptimum: (choices: [Int: Bool], value: Double)?
        /// The last settled relaxation's point and its sides: where a whole-share start is rounded from.
        var settledPoint: (values: [Double], sides: [Int: Bool])?
        /// The basis of the last relaxation: the steps below give back every bound they set, so
        /// it is optimal for the relaxation branch and bound solves first (started there, GLPK
        /// has no pivot to make).
        var relaxationBasis: Basis?
        /// The basis of `best`'s LP at its optimum, where it was read (before rows or sides were
        /// added): set again when `best` is returned without that LP solved again.
        var bestBasis: Basis?
        /// Whether the session's basis is that of `trial`'s LP at its optimum (its LP the last solved).
        var trialIsCurrent = false
        func returningBest(_ point: Solution) -> Solution {
            if let bestBasis { restore(bestBasis, of: point, built, session, binaries) }
            return point
        }
        while true {
            let relaxation = tracedSolve(session, binaries, relaxed: true)
            relaxed(relaxation.status.isOptimal)
            // (Read only where a settlement will move the basis: reading it costs about 8k
            // instructions. Not with integer order columns: there the steps before branch and
            // bound solve other LPs, and the basis it starts from steers its search.)
            let moves = relaxation.status.isOptimal && built.orders.integerColumns == 0
                && (!settled.isEmpty || !built.conflicts(in: relaxation.values, excluding: []).isEmpty)
            relaxationBasis = moves ? (session as? any BasisSession)?.basis() : nil
            if !relaxation.status.isOptimal, !held.isEmpty {
                // The forced sides hold at every plan of this stage, but with every earlier stage
                // held at the tight margin GLPK may find the LP with them infeasible (a property
                // test found one: the turnover stage of a small household). The steps then run
                // again without them, as before they existed.
                try release(Array(held.keys), built, session)
                held = [:]
                Trace.log { "guards: the forced sides dropped (the relaxation with them: \(relaxation.status.name))" }
                continue
            }
            guard relaxation.status.isOptimal else { return Self.outOfTime(relaxation, best: best) }
            let bound = relaxation.objectiveValue
            if bound > cutoff {
                Trace.log { "guards: the relaxation \(bound) is above the cutoff \(cutoff): no plan at or below it" }
                return Solution(status: .infeasible)
            }
            // The point found before the binaries (or forced sides) raised the bound satisfies
            // every guard: once the new bound reaches it, it is optimal, and settling the new
            // relaxation again would only confirm it.
            // (Its basis set again: the next stage starts from it as after its own LP.)
            if let best, best.objectiveValue <= bound + slack {
                Trace.log { "guards: the settled point reaches the raised bound" }
                return returningBest(best)
            }
            // In a stage later stages hold, within the tight margin of the raised bound (or of the
            // Lagrangian one): returned carrying that bound, as settling the new relaxation again
            // would return it after one more LP (which, the same settlement, finds the same point:
            // harvest stages whose cuts leave the relaxation a few millionths below the point).
            // The stage is then held at the point's value plus the tight margin, as an optimum
            // (`Optimizer.solveStages`): the point is within the tight margin of the optimum.
            let raised = max(bound, lagrangian?.lower ?? -.infinity)
            if let best, gap > 0, best.objectiveValue <= raised + Self.tightTolerance(built.household) {
                var withinMargin = best
                withinMargin.bound = raised
                Trace.log { "guards: the settled point within the tight margin of the raised bound" }
                return returningBest(withinMargin)
            }
            if previous == nil {
                // Symbols with a binary follow the relaxation's leaning.
                for symbol in settled.keys { if let z = binaries[symbol] { settled[symbol] = relaxation[z] >= 0.5 } }
            }
            // The settlement that gave `best` again, each of its symbols now with a binary: its LP
            // (the guard rows added) still holds `best` and no better point (it only gained rows;
            // GLPK may find one a rounding lower), so solving it would only confirm `best`, which
            // the bound does not reach, not even within `gap`. On to the other settlements or
            // branch and bound, as after solving it.
            if let best, let optimum = settledOptimum, optimum.choices == settled, best.objectiveValue <= optimum.value,
                best.objectiveValue > bound + gap, settled.keys.allSatisfy({ binaries[$0] != nil }), held.isEmpty
            {
                Trace.log { "guards: the settlement of the best point again, not solved" }
                if let proven = try otherSettlements(settled, of: best, built, session, binaries, slack: slack) { return returningBest(proven) }
                break
            }
            // A later drift stage (one with a floor) on a large household settles by the point's
            // leaning first and on the earlier plan's sides only if that misses: the earlier plan
            // was chosen for another stage (band's tax stage), and its sides led band's drift
            // stage on a direct-indexing household through 4 rounds to 41,112 before the leaning
            // found 0.
            let large = built.household.lots.count >= AggregatedDrift.minimumLots
            let leansFirst = previous != nil && binaries.isEmpty && large && floorValue() != nil
            var trial = try settleConflicts(
                relaxation, &settled, built, session, binaries, previous: leansFirst ? nil : previous, bySolving: false)
            trialIsCurrent = true
            // Settled again: a κ·D + Tax stage by the Lagrangian bound's sides (on households of
            // direct-indexing size, LagrangianBound.swift); else (`settleAgain`) a first stage by
            // both sides where that pays, a later stage the other way on households of
            // direct-indexing size only (elsewhere its settlement that misses the bound is left
            // to the binaries, as before).
            if let lagrangian, previous == nil, binaries.isEmpty, !(trial.status.isOptimal && reaches(trial.objectiveValue, bound)) {
                trial = try settleByLagrangian(
                    relaxation, trial, &settled, lagrangian, held: held, built, session, binaries, slack: slack, gap: gap,
                    current: &trialIsCurrent)
            } else if binaries.isEmpty && !(trial.status.isOptimal && reaches(trial.objectiveValue, bound))
                && (previous == nil ? solvesBothSides() : large)
            {
                trial = try settleAgain(
                    relaxation, trial, &settled, built, session, binaries, slack: slack, bySolving: previous == nil,
                    previous: leansFirst ? previous : nil, held: held, current: &trialIsCurrent)
            }
            // (Taken when it reaches any proven bound, the Lagrangian one included, or is within `gap` of one.)
            let proven = max(bound, lagrangian?.lower ?? -.infinity)
            trial = try roundedOrders(
                trial, accepts: { reaches($0, bound) || $0 <= proven + gap }, &best, built, session, binaries)
            if trial.status.isOptimal { settledPoint = (trial.values, settled) }
            // (A symbol settled on its forced side stays held.)
            try release(settled.keys.filter { held[$0] == nil }, built, session)
            // Whole shares and minimum trades (ExecutableOrders) have integer columns: a relaxed
            // point that leaves one fractional, or breaks a rule whose rows are deferred,
            // satisfies no order rule, and only branch and bound (whose answers the MIP
            // safeguards verify) can decide them.
            let integral = trial.status.isOptimal && built.isExecutable(trial.values)
            if integral {
                (best, settledOptimum) = (trial, (settled, trial.objectiveValue))
                bestBasis = nil
            }
            /// Reads `best`'s basis where it is the session's, before rows or sides are added.
            func keepBestBasis() {
                guard integral, trialIsCurrent, built.orders.integerColumns == 0 else { return }
                bestBasis = (session as? any BasisSession)?.basis()
            }
            if trial.status.isOptimal && reaches(trial.objectiveValue, bound) {
                guard integral else { break }
                Trace.log { "guards: settled \(settled.count) symbols by bounds, \(binaries.count) binaries" }
                return trial
            }
            if integral && trial.objectiveValue <= proven + gap {
                var withinGap = trial
                withinGap.bound = proven
                return withinGap
            }
            // A κ·D + Tax stage: the sides every plan no worse than this settled point takes by
            // the Lagrangian bound (the optimum is such a plan) are held like forced ones, once,
            // and only the rest get binaries.
            if let lagrangian, integral, !fixedByBound {
                fixedByBound = true
                let fixed = lagrangian.fixedSides(atMost: trial.objectiveValue).filter { held[$0.key] == nil }
                // Where they hold every side of the settlement that gave this point and the point
                // takes them all, the relaxation with them is that settlement's LP with more held
                // at zero: its optimum is the point's value, at the point. Solved, it would reach
                // the point ("reaches the raised bound" below); the point is returned without it
                // (on the 100 typical households of the batch notes, 29 κ·D + Tax stages).
                if !fixed.isEmpty, built.orders.integerColumns == 0, Self.covers(fixed, held: held, settled), built.satisfies(fixed, trial.values) {
                    Trace.log { "guards: the sides fixed by the Lagrangian bound hold the settled point's own settlement" }
                    return trial.objectiveValue > cutoff ? Solution(status: .infeasible) : trial
                }
                if !fixed.isEmpty {
                    keepBestBasis()
                    for symbol in fixed.keys { settled.removeValue(forKey: symbol) }
                    held.merge(fixed) { old, _ in old }
                    try settle(fixed, built, session)
                    Trace.log { "guards: \(fixed.count) sides fixed by the Lagrangian bound (plans no worse than \(trial.objectiveValue))" }
                    continue
                }
            }
            let unguarded = settled.keys.filter { binaries[$0] == nil }.sorted()
            if unguarded.isEmpty {
                // (The point's basis set again after the other sides' LPs.)
                let basis = trialIsCurrent ? (session as? any BasisSession)?.basis() : nil
                if integral, let proven = try otherSettlements(settled, of: trial, built, session, binaries, slack: slack) {
                    if let basis, let writer = session as? any BasisSession { _ = writer.warmStart(basis) }
                    return proven
                }
                break
            }
            // The settlement costs more than the bound: the binaries raise the bound.
            keepBestBasis()
            try addGuards(unguarded, built, session, &binaries)
        }
        if let found = try guardsBeforeOrders(
            built, session, &binaries, held: held, proven: lagrangian?.lower ?? -.infinity, slack: slack, gap: gap, best: &best)
        {
            return found
        }
        // The first stage in whole shares (D, or κ·D + Tax: `startsInWholeShares`): should
        // branch and bound run out of time with no plan, or a worse one, the relaxation's settled
        // point rounded and improved (WholeShareStart.swift). Built only then: before branch and
        // bound, its LP moves the basis branch and bound starts from, and with it the search's
        // path (offered as the incumbent it lost two of the 10 households below their proof
        // within 10 s).
        let point = startsInWholeShares ? settledPoint : nil
        let stopValue = gap > 0 ? stop() : nil
        // Where the start reaches the whole-share bound (within the gap), it is the stage's plan:
        // branch and bound then stops before its first node. Its LP is solved only then.
        if let point, let stopValue,
            let start = try wholeShareStart(
                built, session, binaries, values: point.values, sides: point.sides, held: held, atMost: stopValue + gap),
            start.objectiveValue <= stopValue + gap, best.map({ start.objectiveValue < $0.objectiveValue }) ?? true
        {
            best = start
        }
        let fallback: ([Int: Variable]) throws(LinearProgrammingError) -> Solution? = { binaries throws(LinearProgrammingError) in
            guard let point else { return nil }
            return try self.wholeShareStart(
                built, session, binaries, values: point.values, sides: point.sides, held: held, closings: startCloses)
        }
        if let relaxationBasis, let writer = session as? any BasisSession { writer.warmStart(relaxationBasis) }
        return try branchAndBound(
            built, session, &binaries, best: best, previous: previous, gap: gap,
            floor: gap > 0 ? max(floorValue() ?? -.infinity, stopValue ?? -.infinity) : -.infinity, fallback: fallback)
    }

    /// At a time limit, the best point satisfying every guard (marked as not proven optimal).
    private static func outOfTime(_ solution: Solution, best: Solution?) -> Solution {
        guard solution.status.isTimeLimit, var best else { return solution }
        best.status = .timeLimit(feasible: true)
        return best
    }

    /// Step 2: settles `relaxation`'s conflicts (and the symbols in `settled` already, as they
    /// say), round after round, until a solution has none or the LP is not optimal. Every
    /// conflict found in a round is settled in that round: on the side the earlier stage's plan
    /// or the binary takes, else the side the point leans to (buying at least what it sells),
    /// or, `bySolving`, on the side whose LP is lower (`sidesBySolving`).
    func settleConflicts(
        _ relaxation: Solution, _ settled: inout [Int: Bool], _ built: RebalanceModel, _ session: Solver.Session,
        _ binaries: [Int: Variable], previous: [Double]?, bySolving: Bool
    ) throws(LinearProgrammingError) -> Solution {
        try settle(settled, built, session)
        // A relaxation already at zero wherever the settlement holds a variable at zero is the
        // settled LP's optimum too (a point of a smaller feasible set, optimal in the larger):
        // solving again would return it from the same basis.
        var trial =
            settled.isEmpty || built.satisfies(settled, relaxation.values)
            ? relaxation : tracedSolve(session, binaries, relaxed: true)
        var rounds = 0
        while trial.status.isOptimal {
            let conflicts = built.conflicts(in: trial.values, excluding: Set(settled.keys))
            if conflicts.isEmpty { break }
            rounds += 1
            var sides: [Int: Bool]
            if bySolving {
                sides = try sidesBySolving(conflicts, trial, built, session, binaries, slack: Self.tightTolerance(built.household) / 10)
            } else {
                sides = Dictionary(
                    uniqueKeysWithValues: conflicts.map {
                        ($0.symbol, allowsPurchases($0, built, trial, previous: previous, binaries))
                    })
            }
            if rounds > Self.lazyRounds, let previous {
                sides.merge(alongside(previous, trial, excluding: settled, built)) { old, _ in old }
            }
            try settle(sides, built, session)
            settled.merge(sides) { $1 }
            trial = tracedSolve(session, binaries, relaxed: true)
        }
        Trace.log { "guards: \(rounds) settlement rounds, \(settled.count) symbols settled" }
        return trial
    }

    /// Rounds of settlement that settle only the conflicts found. Each settlement moves the LP's
    /// point, which may then buy and sell at a loss another symbol: on direct-indexing households
    /// band's drift stage (D with D_β and Tax held) found one new conflict a round, 57 rounds of
    /// a 100,000-lot LP. After these rounds, `alongside` settles ahead of time every symbol the
    /// earlier stage's plan settles, where the point agrees.
    static var lazyRounds: Int { 2 }

    /// The guard candidates (not in `settled`) that `previous` (a plan satisfying every guard)
    /// settles — it buys them, or sells their loss lots — on the side it takes, where `point`
    /// agrees (holds at zero already what that side holds at zero): settling them keeps
    /// `point` feasible, so the LP's optimum stays where it is, and the next rounds cannot move
    /// the conflict onto them.
    private func alongside(
        _ previous: [Double], _ point: Solution, excluding settled: [Int: Bool], _ built: RebalanceModel
    ) -> [Int: Bool] {
        var sides: [Int: Bool] = [:]
        for candidate in built.guardCandidates where settled[candidate.symbol] == nil {
            let buys = built.purchased(candidate, in: previous) > RebalanceModel.tradeEpsilon
            let sellsAtLoss = candidate.lossLots.contains { previous[built.sells[$0].index] > RebalanceModel.tradeEpsilon }
            guard buys || sellsAtLoss else { continue }
            if built.settlement(candidate, allowPurchases: buys).allSatisfy({ point.values[$0.index] <= RebalanceModel.tradeEpsilon }) {
                sides[candidate.symbol] = buys
            }
        }
        return sides
    }

    /// Step 2, when the first settlement (`first`, whose sides are `settled`) misses the bound:
    /// the conflicts settled again from `relaxation`. `bySolving` (a first stage, settled by the
    /// point's leaning, cheap: one LP a round): each on the side whose LP is lower. Else a later
    /// stage settled first on the earlier plan's sides (which keep that plan feasible but may
    /// lead far from the bound) is settled by the point's leaning, and one settled first by
    /// leaning (`previous` given) on the earlier plan's sides. The better of the two
    /// settlements is kept, its bounds in the session; `held` (the forced sides) stays held.
    private func settleAgain(
        _ relaxation: Solution, _ first: Solution, _ settled: inout [Int: Bool], _ built: RebalanceModel,
        _ session: Solver.Session, _ binaries: [Int: Variable], slack: Double, bySolving: Bool, previous: [Double]?,
        held: [Int: Bool], current: inout Bool
    ) throws(LinearProgrammingError) -> Solution {
        let firstSides = settled
        // (The first settlement's basis, where its LP was the last solved: set again if it is kept.)
        let firstBasis = current ? (session as? any BasisSession)?.basis() : nil
        try release(firstSides.keys.filter { held[$0] == nil }, built, session)
        var sides: [Int: Bool] = [:]
        let again = try settleConflicts(relaxation, &sides, built, session, binaries, previous: previous, bySolving: bySolving)
        let better = again.status.isOptimal && (!first.status.isOptimal || again.objectiveValue < first.objectiveValue - slack)
        Trace.log {
            "guards: settled again \(bySolving ? "by solving both sides" : previous == nil ? "by leaning" : "on the earlier plan's sides") "
                + "\(again.objectiveValue), first \(first.objectiveValue)"
        }
        if better {
            current = true
            settled = sides
            return again
        }
        try release(sides.keys.filter { held[$0] == nil }, built, session)
        try settle(firstSides, built, session)
        current = false
        if let firstBasis, let writer = session as? any BasisSession { current = writer.warmStart(firstBasis) }
        return first
    }

    /// Each conflict's side, by solving both: the LP with only its loss sales held at zero and
    /// the LP with only its purchases held at zero (the other conflicts of the round left as
    /// they are), the lower one kept. An infeasible side is never kept; within `slack` of each
    /// other the side the point leans to (buying at least what it sells) is kept.
    ///
    /// The leaning side is solved first, and where it reaches `point`'s value (within `slack`)
    /// the other is not solved: both sides' LPs are `point`'s LP with more held at zero, so the
    /// other can come out no lower than `point`, and it would lose or tie, and a tie keeps the
    /// leaning side. (15 of the 33 sides settled this way on the 100 households of the batch
    /// notes; the side is a heuristic choice either way: what follows certifies the plan.)
    private func sidesBySolving(
        _ conflicts: [RebalanceModel.GuardCandidate], _ point: Solution, _ built: RebalanceModel,
        _ session: Solver.Session, _ binaries: [Int: Variable], slack: Double
    ) throws(LinearProgrammingError) -> [Int: Bool] {
        var sides: [Int: Bool] = [:]
        for candidate in conflicts {
            let leaning = built.purchased(candidate, in: point.values) >= built.sold(candidate, in: point.values)
            var value: [Bool: Double] = [:]
            for side in [leaning, !leaning] {
                try settle([candidate.symbol: side], built, session)
                let solution = tracedSolve(session, binaries, relaxed: true)
                try release([candidate.symbol], built, session)
                value[side] = solution.status.isOptimal ? solution.objectiveValue : .infinity
                if value[side]! <= point.objectiveValue + slack { break }
            }
            guard let buying = value[true], let selling = value[false] else {
                sides[candidate.symbol] = leaning
                continue
            }
            if abs(buying - selling) <= slack || (buying == .infinity && selling == .infinity) {
                sides[candidate.symbol] = leaning
            } else {
                sides[candidate.symbol] = buying < selling
            }
        }
        return sides
    }

    /// Step 3, order rules: the point's trades rounded to executable orders and the LP solved
    /// with them. Taken when `accepts` its value (it reaches a proven bound: the relaxation's,
    /// the separable or the Lagrangian one; or it is within the stage's gap of one; with a
    /// minimum trade of $1 it usually is), else branch and bound's first incumbent. Only with minimum trades alone (0/1
    /// columns): in whole shares the rounded point rarely reaches the bound, and solving it moved
    /// the relaxation's vertex from which branch and bound starts, which took one household from
    /// 0.3 s to 45 s (401k-menu.yaml in whole shares, full).
    private func roundedOrders(
        _ trial: Solution, accepts: (Double) -> Bool, _ best: inout Solution?, _ built: RebalanceModel,
        _ session: Solver.Session, _ binaries: [Int: Variable]
    ) throws(LinearProgrammingError) -> Solution {
        guard trial.status.isOptimal, session.integerVariablesAreBinary, !built.isExecutable(trial.values),
            let rounded = try solveRounded(built, session, binaries, trial.values)
        else { return trial }
        if accepts(rounded.objectiveValue) { return rounded }
        if best.map({ rounded.objectiveValue < $0.objectiveValue }) ?? true { best = rounded }
        return trial
    }

    /// Step 7: branch and bound, adding the binary of each new conflict, until no guard is
    /// broken. It starts from the best point satisfying every guard.
    ///
    /// `floor`: a lower bound on the stage's optimum (the drift floor, used only with a gap):
    /// branch and bound stops once its best point is within `gap` of it.
    private func branchAndBound(
        _ built: RebalanceModel, _ session: Solver.Session, _ binaries: inout [Int: Variable], best: Solution?,
        previous: [Double]?, gap: Double, floor: Double = -.infinity,
        fallback: ([Int: Variable]) throws(LinearProgrammingError) -> Solution? = { _ in nil }
    ) throws(LinearProgrammingError) -> Solution {
        if let best, best.objectiveValue <= floor + gap {
            var withinGap = best
            withinGap.bound = min(floor, best.objectiveValue)
            return withinGap
        }
        let incumbent = (best?.values ?? previous).map { built.incumbent($0, binaries, variableCount: session.variableCount) }
        // (Each account's whole shares alone: a bound for a stage with a gap, AccountRelaxation.swift.)
        let blocks = gap > 0 ? built.orders.accountBlocks(shared: binaries.keys.sorted().map { binaries[$0]! }) : []
        var solution = tracedSolve(
            session, binaries, relaxed: false, incumbent: incumbent, gap: gap, floor: floor, blocks: blocks)
        while solution.status.isOptimal {
            let conflicts = built.conflicts(in: solution.values, excluding: Set(binaries.keys))
            let rows = try built.orders.addRows(brokenBy: solution.values, to: session)
            if conflicts.isEmpty && rows == 0 { break }
            try addGuards(conflicts.map { $0.symbol }, built, session, &binaries)
            // (A bound with fewer guards or order rows bounds the model with more: it is a
            // relaxation of it.)
            solution = tracedSolve(session, binaries, relaxed: false, gap: gap, floor: floor)
        }
        // A point found before the time limit may break a guard that has no binary yet, or an
        // order rule whose rows are deferred: it is no plan (the best point satisfying every
        // guard is, when there is one).
        if solution.status.isTimeLimit && !solution.values.isEmpty
            && (!built.conflicts(in: solution.values, excluding: []).isEmpty || !built.orders.keepsDeferredRules(solution.values))
        {
            solution = Solution(status: .timeLimit(feasible: false))
        }
        if solution.status.isTimeLimit, !session.integerVariablesAreBinary, var start = try fallback(binaries),
            solution.status != .timeLimit(feasible: true) || start.objectiveValue < solution.objectiveValue,
            best.map({ start.objectiveValue < $0.objectiveValue }) ?? true
        {
            start.status = .timeLimit(feasible: true)
            return start
        }
        return solution.status == .timeLimit(feasible: false) ? Self.outOfTime(solution, best: best) : solution
    }

    /// The largest number of settled symbols whose other settlements are tried before branch and
    /// bound: 2^n − 1 LPs, each costing (measured with callgrind on typical households) about a
    /// third of a branch and bound with its verification, so only one symbol's other side pays.
    static var settlementEnumerationLimit: Int { 1 }

    /// `settled` (a point satisfying every guard, its symbols settled by `choices`) proven optimal
    /// without branch and bound, or nil. Every plan satisfying the guards settles each of these
    /// symbols one way or the other (it does not both buy and sell at a loss), so the plans are
    /// covered by the 2^n ways of settling them; each way's LP (the other guards relaxed) bounds
    /// its plans from below. If no other way's LP is below `settled`, it is optimal. An infeasible
    /// way holds no plan; any other outcome (a lower LP, a time limit, a failure) leaves it to
    /// branch and bound.
    private func otherSettlements(
        _ choices: [Int: Bool], of settled: Solution, _ built: RebalanceModel, _ session: Solver.Session,
        _ binaries: [Int: Variable], slack: Double
    ) throws(LinearProgrammingError) -> Solution? {
        let symbols = choices.keys.sorted()
        guard !symbols.isEmpty, symbols.count <= Self.settlementEnumerationLimit else { return nil }
        defer { Trace.log { "guards: \(symbols.count) settled symbols, their other settlements tried" } }
        for mask in 0..<(1 << symbols.count) {
            let other = Dictionary(uniqueKeysWithValues: symbols.enumerated().map { ($1, mask & (1 << $0) != 0) })
            if other == choices { continue }
            try settle(other, built, session)
            let bound = tracedSolve(session, binaries, relaxed: true)
            try release(symbols, built, session)
            if bound.status == .infeasible { continue }
            guard bound.status.isOptimal, bound.objectiveValue >= settled.objectiveValue - slack else { return nil }
        }
        return settled
    }

    /// Which side of a conflict a settlement keeps: the previous stage's choice when there is one
    /// (so that its solution, which satisfies every guard, stays feasible), else the relaxation's
    /// leaning on the binary, else buying when the solution buys more of the symbol than it sells.
    private func allowsPurchases(
        _ candidate: RebalanceModel.GuardCandidate, _ built: RebalanceModel, _ solution: Solution,
        previous: [Double]?, _ binaries: [Int: Variable]
    ) -> Bool {
        if let previous { return built.purchased(candidate, in: previous) > RebalanceModel.tradeEpsilon }
        if let z = binaries[candidate.symbol] { return solution[z] >= 0.5 }
        return built.purchased(candidate, in: solution.values) >= built.sold(candidate, in: solution.values)
    }

    /// Whether `fixed` and `held` together hold every side of `settled` (symbol → side).
    static func covers(_ fixed: [Int: Bool], held: [Int: Bool], _ settled: [Int: Bool]) -> Bool {
        settled.allSatisfy { symbol, side in fixed[symbol] == side || held[symbol] == side }
    }

    /// Sets `basis` (read at `point`'s LP optimum, before later rows and binaries were added)
    /// as the session's: the rows added since basic, each binary added since at the bound
    /// `point` gives it (1 where it buys the symbol). That basis holds `point` (it satisfies
    /// every guard row), so the next LP starts from it as if `point`'s LP had just been solved.
    func restore(
        _ basis: Basis, of point: Solution, _ built: RebalanceModel, _ session: Solver.Session, _ binaries: [Int: Variable]
    ) {
        guard let writer = session as? any BasisSession, basis.rows.count <= session.constraintCount,
            basis.columns.count <= session.variableCount
        else { return }
        var columns = basis.columns + [BasisStatus](repeating: .atLower, count: session.variableCount - basis.columns.count)
        for (symbol, z) in binaries where z.index >= basis.columns.count {
            guard let candidate = built.guardCandidate(symbol: symbol) else { continue }
            if built.purchased(candidate, in: point.values) > RebalanceModel.tradeEpsilon { columns[z.index] = .atUpper }
        }
        let rows = basis.rows + [BasisStatus](repeating: .basic, count: session.constraintCount - basis.rows.count)
        _ = writer.warmStart(Basis(rows: rows, columns: columns))
    }

    func addGuards(
        _ symbols: [Int], _ built: RebalanceModel, _ session: Solver.Session, _ binaries: inout [Int: Variable]
    ) throws(LinearProgrammingError) {
        let classLots = built.lotsByClass()
        for symbol in symbols {
            guard let candidate = built.guardCandidate(symbol: symbol) else { continue }
            let z = try session.addVariable(Column(lower: 0, upper: 1, isBinary: true))
            for row in built.guardRows(candidate, binary: z, classLots: classLots) { _ = try session.addConstraint(row) }
            binaries[symbol] = z
        }
    }

    /// Holds each symbol's loss sales (true: purchases allowed) or purchases (false) at zero.
    func settle(
        _ choices: [Int: Bool], _ built: RebalanceModel, _ session: Solver.Session
    ) throws(LinearProgrammingError) {
        // (The candidate's lots and purchases read in place: an array of their variables for
        // each symbol settled or released cost more than setting their bounds.)
        for (symbol, allowPurchases) in choices {
            guard let candidate = built.guardCandidate(symbol: symbol) else { continue }
            try built.forEachSettled(candidate, allowPurchases: allowPurchases) { variable throws(LinearProgrammingError) in
                try session.setBounds(variable, lower: 0, upper: 0)
            }
        }
    }

    /// Gives settled symbols their model bounds back.
    func release(
        _ symbols: [Int], _ built: RebalanceModel, _ session: Solver.Session
    ) throws(LinearProgrammingError) {
        let columns = built.model.columns
        func restore(_ variable: Variable) throws(LinearProgrammingError) {
            let column = columns[variable.index]
            try session.setBounds(variable, lower: column.lower, upper: column.upper)
        }
        for symbol in symbols {
            guard let candidate = built.guardCandidate(symbol: symbol) else { continue }
            // (Every variable either settlement may hold: the loss lots, then the purchases.)
            try built.forEachSettled(candidate, allowPurchases: true, restore)
            try built.forEachSettled(candidate, allowPurchases: false, restore)
        }
    }

    /// The LP with the order rules' integer columns fixed as ``ExecutableOrders/choice(from:)``
    /// reads them off `values` (and the guards' binaries as those trades set them); nil unless
    /// it is optimal and breaks no wash-sale guard. Every deferred row of the order rules is
    /// added first: without its rows a fixed binary holds nothing, and the LP moved the trades
    /// into the rules it lacked, one a round (68 rounds on a direct-indexing household of 1,500
    /// lots under a $25 minimum). (Then, should the LP's point break a rule all the same, its
    /// rows are added and the LP solved again: each round adds some, so it ends.)
    func solveRounded(
        _ built: RebalanceModel, _ session: Solver.Session, _ binaries: [Int: Variable], _ values: [Double]
    ) throws(LinearProgrammingError) -> Solution? {
        guard let choice = built.orders.choice(from: values) else { return nil }
        var point = values
        for (variable, value) in choice {
            let column = built.model.columns[variable.index]
            point[variable.index] = min(max(value.rounded(), column.lower), column.upper)
        }
        // The guards' binaries as the trades say (every integer column is fixed at once).
        point = built.incumbent(point, binaries, variableCount: session.variableCount, orderBinaries: false)
        var solution: Solution
        var rows = try built.orders.addRows(brokenBy: nil, to: session)
        repeat {
            session.fixIntegers(session.integerVariables.map { point[$0.index].rounded() })
            solution = tracedSolve(session, binaries, relaxed: true)
            session.fixIntegers(nil)
            guard solution.status.isOptimal else { return nil }
            rows = try built.orders.addRows(brokenBy: solution.values, to: session)
        } while rows > 0
        guard built.conflicts(in: solution.values, excluding: []).isEmpty else { return nil }
        return solution
    }

    func tracedSolve(
        _ session: Solver.Session, _ binaries: [Int: Variable], relaxed: Bool, incumbent: [Double]? = nil, gap: Double = 0,
        floor: Double = -.infinity, blocks: [[Variable]] = []
    ) -> Solution {
        let started = Trace.now()
        let work = Trace.enabled ? session.simplexWork : (0, 0)
        let solution =
            relaxed
            ? session.solveRelaxation()
            : incumbent.map { session.solve(incumbent: $0, gap: gap, floor: floor, blocks: blocks) }
                ?? session.solve(gap: gap, floor: floor, blocks: blocks)
        Trace.log {
            // (Simplex calls and iterations: a solve answered from the last one's optimum makes
            // none; branch and bound's own calls are not counted, its iterations are.)
            let done = session.simplexWork
            return "\(relaxed ? "relaxation" : "solve"): \(solution.status.name), objective \(solution.objectiveValue), "
                + (solution.bound.map { "bound \($0), " } ?? "")
                + "\(binaries.count) binaries, "
                + "\(session.variableCount) columns, \(session.constraintCount) rows, "
                + "\(done.calls - work.0) simplex calls, \(done.iterations - work.1) iterations, \(Trace.since(started)) s"
        }
        return solution
    }

}

extension RebalanceModel {
    /// The guard rows for one identical group: y ≤ M·z for every purchase; Σ v ≤ C·(1 − z) over
    /// the loss lots of each taxable account (C: what they are worth); and, per group G and class
    /// c holding a member, two cuts that make the relaxation charge drift for a conflict.
    ///
    /// With dev = held_c − w_c·I before trading, c's deviation row says
    /// Σ_c v − Σ_c y = dev − (d⁺ − d⁻), sums over the class's lots and purchases in G. Let B be
    /// the purchases of the identical group's members in c. If z = 1 no loss lot of the identical
    /// group sells, so Σ_B y − Σ_{other lots of c} v ≤ Σ_c y − Σ_c v ≤ d⁺ + max(−dev, 0); if z = 0
    /// nothing in B is bought and the left side is ≤ 0. Hence
    /// Σ_B y − Σ_{other lots} v − d⁺ − max(−dev, 0)·z ≤ 0. Likewise, when every purchase filling
    /// c is in B: if z = 0, Σ v_loss ≤ d⁻ + max(dev, 0), and if z = 1 it is 0: hence
    /// Σ v_loss − d⁻ + max(dev, 0)·z ≤ max(dev, 0) (with an alternate outside the identical group
    /// on sale, z = 0 does not stop c's purchases and this cut would not hold). Both hold at every
    /// feasible point; in the relaxation they stop a fractional z from buying and selling at a loss
    /// for free.
    ///
    /// `classLots`: ``lotsByClass()``, worked out once for many candidates (a direct-indexing
    /// household's 37 guards cost 650 M instructions finding each class's lots among 100,000).
    func guardRows(_ candidate: GuardCandidate, binary z: Variable, classLots: [[[Int]]]? = nil) -> [Row] {
        let classLots = classLots ?? lotsByClass()
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
        // The cuts read the deviation row of each class (per group) holding a member bought or
        // held at a loss.
        let key = household.identicalKey
        for (g, group) in household.groups.enumerated() {
            let bought = candidate.purchases.filter { household.groupOfAccount[purchases[$0].account] == g }
            var touched = Set(bought.map { group.classIndex[purchases[$0].symbol]! })
            for l in candidate.lossLots where household.groupOfAccount[household.lots[l].account] == g {
                touched.insert(group.classIndex[household.lots[l].symbol]!)
            }
            for c in touched.sorted() {
                let class_ = group.classes[c]
                guard let deviation = deviations[g][class_.symbol] else { continue }
                var held = 0.0
                // (Each row's terms go into one array reserved at its size: a new array for
                // every piece of a row, and its growth, were most of the guards' cost.)
                let lots = classLots[g][c]
                let classBought = bought.filter { group.classIndex[purchases[$0].symbol] == c }
                var others: [Term] = [], losses: [Term] = []
                others.reserveCapacity(classBought.count + lots.count + 2)
                losses.reserveCapacity(lots.count + 2)
                others += classBought.lazy.map { Term(self.purchases[$0].variable, 1) }
                for l in lots {
                    let lot = household.lots[l]
                    held += lot.value
                    if lot.isGuardedLoss && key[lot.symbol] == candidate.symbol {
                        losses.append(Term(sells[l], 1))
                    } else {
                        others.append(Term(sells[l], -1))
                    }
                }
                let dev = held - class_.target * group.investable
                if !classBought.isEmpty {
                    // The purchases of the class, then its other lots (`others` holds both).
                    others.append(Term(deviation.plus, -1))
                    if let term = Self.binaryTerm(z, -max(-dev, 0)) { others.append(term) }
                    rows.append(Row(others, upper: 0))
                }
                // The second cut needs every purchase filling the class to be of the identical
                // group (z = 0 then stops them all): not so when an alternate outside it may be bought.
                let onlyGroupBuys = purchases.allSatisfy {
                    household.groupOfAccount[$0.account] != g || group.classIndex[$0.symbol] != c
                        || key[$0.symbol] == candidate.symbol
                }
                if !losses.isEmpty && onlyGroupBuys {
                    let room = max(dev, 0)
                    losses.append(Term(deviation.minus, -1))
                    if let term = Self.binaryTerm(z, room) { losses.append(term) }
                    rows.append(Row(losses, upper: room))
                }
            }
        }
        return rows
    }

    /// The lots of each group's classes (by group, then class), in the order of the group's
    /// accounts and of their lots.
    func lotsByClass() -> [[[Int]]] { household.classLots }

    /// `coefficient`·z, left out when the coefficient is too small to matter (or for a solver to scale).
    private static func binaryTerm(_ z: Variable, _ coefficient: Double) -> Term? {
        abs(coefficient) < 1e-9 ? nil : Term(z, coefficient)
    }

    /// Dollars `values` spends on the candidate's symbol.
    func purchased(_ candidate: GuardCandidate, in values: [Double]) -> Double {
        candidate.purchases.reduce(0) { $0 + values[purchases[$1].variable.index] }
    }

    /// Dollars `values` raises from every lot of the candidate's symbol.
    func sold(_ candidate: GuardCandidate, in values: [Double]) -> Double {
        candidate.lots.reduce(0) { $0 + values[sells[$1].index] }
    }

    /// The variables a settlement of the candidate holds at zero: its loss lots where it allows
    /// purchases, else its purchases.
    func settlement(_ candidate: GuardCandidate, allowPurchases: Bool) -> [Variable] {
        var variables: [Variable] = []
        forEachSettled(candidate, allowPurchases: allowPurchases) { variables.append($0) }
        return variables
    }

    /// ``settlement(_:allowPurchases:)``'s variables given to `body` one by one, in order, with
    /// no array (settling and releasing run in every settlement round).
    func forEachSettled<E: Error>(
        _ candidate: GuardCandidate, allowPurchases: Bool, _ body: (Variable) throws(E) -> Void
    ) throws(E) {
        if allowPurchases {
            for l in candidate.lossLots { try body(sells[l]) }
        } else {
            for p in candidate.purchases { try body(purchases[p].variable) }
        }
    }

    /// Whether `values` is exactly zero in every variable the settlements `choices` hold at zero.
    func satisfies(_ choices: [Int: Bool], _ values: [Double]) -> Bool {
        choices.allSatisfy { symbol, allowPurchases in
            guard let candidate = guardCandidate(symbol: symbol) else { return true }
            return settlement(candidate, allowPurchases: allowPurchases).allSatisfy { values[$0.index] == 0 }
        }
    }

    /// The guard candidate of a symbol, if the guard can bind on it.
    func guardCandidate(symbol: Int) -> GuardCandidate? {
        candidateOfSymbol[symbol].map { guardCandidates[$0] }
    }

    /// A point of the session's variables from `values` (which satisfy every guard and may
    /// predate the binaries): each binary is 1 where its symbol is bought, else 0; and, with
    /// `orderBinaries`, the deferred order rules' binaries as its trades say
    /// (``ExecutableOrders/withBinaries(_:)``); the exact-change columns as its shares say.
    func incumbent(_ values: [Double], _ binaries: [Int: Variable], variableCount: Int, orderBinaries: Bool = true) -> [Double] {
        var point = (orderBinaries ? orders.withBinaries(values) : values)
            + [Double](repeating: 0, count: max(0, variableCount - values.count))
        for (symbol, z) in binaries where z.index < point.count {
            guard let candidate = guardCandidate(symbol: symbol) else { continue }
            point[z.index] = purchased(candidate, in: values) > Self.tradeEpsilon ? 1 : 0
        }
        orders.exactChange?.complete(&point)
        return point
    }

    /// Whether `values` gives every integer column a whole value and keeps every order rule whose
    /// rows are deferred: a point of the whole model (its deferred binaries set by its trades).
    func isExecutable(_ values: [Double]) -> Bool {
        model.isIntegral(values) && orders.keepsDeferredRules(values)
    }

    /// Candidates (not yet guarded) that `values` both buys and sells at a loss.
    func conflicts(in values: [Double], excluding guarded: Set<Int>) -> [GuardCandidate] {
        guardCandidates.filter { candidate in
            !guarded.contains(candidate.symbol)
                && candidate.purchases.contains { values[purchases[$0].variable.index] > Self.tradeEpsilon }
                && candidate.lossLots.contains { values[sells[$0].index] > Self.tradeEpsilon }
        }
    }

}
