import Foundation
import LinearProgramming

/// The basis one strategy's first LP ended at, offered to the other strategies of the same
/// household: their first LP starts there instead of from the plan that trades nothing
/// (``noTrade(_:rows:)``), where their model is the same matrix (docs/engineering.md, "Batch of
/// typical households").
///
/// `full` and `tax-aware` build the same model (they differ in their stages' objectives and stage
/// rows only), and `cash-only`'s is often the same matrix with other bounds (its sells capped at
/// zero): `full`'s first stage then goes on from `cash-only`'s optimum of the same D, which is a
/// feasible point of `full`'s, and `tax-aware`'s κ·D + Tax from `full`'s optimum of D. A warm
/// start changes the path to the optimum, not the optimum.
///
/// (`@unchecked`: `built` is values only, but for the exact-change record a session of whole
/// shares keeps in its program (a class, `ExecutableOrders.ExactChange`). A program with integer
/// columns offers no basis (``applies(to:)``), and a program holding such a record is never
/// taken (``program(_:shape:stages:from:)``): the record is not shared between threads.)
struct StartingBasis: @unchecked Sendable {
    /// The program the basis belongs to: a later strategy of the same shape takes it rather than
    /// building it again (`full`'s for `tax-aware`; ``program(_:shape:stages:from:)``).
    let built: RebalanceModel
    /// The model the basis belongs to, before its stage rows.
    var model: LinearModel { built.model }
    /// Its basis: one status per row of `model` and per column; the stage rows (all basic, free at
    /// the first LP) are left out.
    let basis: Basis
    /// Whether a strategy's first LP may start from another's basis at all: small households
    /// without integer columns (large ones start from the merged first stage, AggregatedDrift.swift;
    /// whole shares and minimum trades are left on their own paths).
    static func applies(to built: RebalanceModel) -> Bool {
        built.household.lots.count < AggregatedDrift.minimumLots && !built.model.columns.contains(where: \.isInteger)
    }

    /// `session`'s basis after `built`'s first LP, its stage rows (rows after `built.model`'s)
    /// basic; nil where the session has no basis to give or a stage row is not basic.
    init?(_ built: RebalanceModel, _ session: some SolverSession) {
        guard let reader = session as? any BasisSession, let basis = reader.basis(),
            basis.columns.count == built.model.variableCount, basis.rows.count >= built.model.constraintCount,
            basis.rows[built.model.constraintCount...].allSatisfy(\.isBasic)
        else { return nil }
        self.built = built
        self.basis = Basis(rows: Array(basis.rows.prefix(built.model.constraintCount)), columns: basis.columns)
    }

    /// `household`'s program of `shape` minimizing `stages`: the last of `offered` built for the
    /// household with that shape, given `stages` (the same program, not built again), else a new one.
    static func program(
        _ household: Household, shape: RebalanceModel.Shape, stages: [Stage], from offered: [StartingBasis]
    ) -> RebalanceModel {
        if let seed = offered.last(where: {
            $0.built.shape == shape && $0.built.household.isSame(as: household) && $0.built.orders.exactChange == nil
        }) {
            return seed.built.restaged(stages)
        }
        return RebalanceModel(household, shape: shape, stages: stages)
    }

    /// Whether `other` is the same matrix (the same rows' terms, the same kinds of columns); its
    /// bounds and objective may differ.
    func matches(_ other: LinearModel) -> Bool {
        guard model.variableCount == other.variableCount, model.constraintCount == other.constraintCount else { return false }
        for (a, b) in zip(model.columns, other.columns) where a.isInteger != b.isInteger || a.isBinary != b.isBinary {
            return false
        }
        for (a, b) in zip(model.rows, other.rows) where a.terms != b.terms { return false }
        return true
    }

    /// The basis for `built` (`rows` rows: its model's and its stage rows) where the matrix is
    /// the same; nil where it is not.
    func basis(for built: RebalanceModel, rows: Int) -> Basis? {
        guard matches(built.model) else { return nil }
        return Basis(rows: basis.rows + [BasisStatus](repeating: .basic, count: rows - built.model.constraintCount), columns: basis.columns)
    }

    /// Starts `session`'s next LP (the first of `built`, its stage rows added) from the last of
    /// `offered` that gives a basis for it (``basis(for:rows:)``). Whether one did.
    @discardableResult
    static func start(_ session: some SolverSession, _ built: RebalanceModel, from offered: [StartingBasis]) -> Bool {
        guard applies(to: built), let writer = session as? any BasisSession,
            session.constraintCount >= built.model.constraintCount, session.variableCount == built.model.variableCount
        else { return false }
        for seed in offered.reversed() {
            if let basis = seed.basis(for: built, rows: session.constraintCount) { return writer.warmStart(basis) }
        }
        return false
    }
}

/// The starting bases of one household's strategies planned side by side, solve by solve: each
/// solve offers its first LP's basis (or nothing) as soon as it has it, and a solve takes those
/// of every earlier solve, waiting for them. Solves are started in index order (``Workers``), so
/// an earlier solve is always under way when a later one waits for it, and which basis a solve
/// starts from is the same on any number of threads.
final class StartingBases: @unchecked Sendable {
    private let condition = NSCondition()
    private var offered: [StartingBasis?]
    private var settled: [Bool]

    init(count: Int) {
        offered = Array(repeating: nil, count: count)
        settled = Array(repeating: false, count: count)
    }

    /// Solve `index`'s offer: its first LP's basis, or nil for none. Only the first call counts.
    func offer(_ index: Int, _ basis: StartingBasis?) {
        condition.lock()
        defer { condition.unlock() }
        guard !settled[index] else { return }
        offered[index] = basis
        settled[index] = true
        condition.broadcast()
    }

    /// The bases of the solves before `index`, in order, once each has made its offer.
    func before(_ index: Int) -> [StartingBasis] {
        condition.lock()
        defer { condition.unlock() }
        while !settled[..<index].allSatisfy({ $0 }) { condition.wait() }
        return offered[..<index].compactMap { $0 }
    }
}

extension StartingBasis {
    /// The basis of the plan that trades nothing, for a first LP no other strategy's basis
    /// starts (`rows`: the model's rows and its stage rows): each account's excess cash basic in
    /// its cash row, each class's d⁺ or d⁻ (whichever is not negative with no trade) in its
    /// deviation row, each Tax branch's τ in the row of its largest piece with no trade; every
    /// other row's value basic, every other column at its lower bound.
    static func noTrade(_ built: RebalanceModel, rows: Int) -> Basis {
        let model = built.model
        var rowStatus = [BasisStatus](repeating: .basic, count: rows)
        var columnStatus = [BasisStatus](repeating: .atLower, count: model.variableCount)
        for (a, row) in built.cashRows.enumerated() {
            rowStatus[row.index] = .fixed
            columnStatus[built.excessCash[a].index] = .basic
        }
        for deviation in built.deviationRows {
            rowStatus[deviation.row.index] = .fixed
            let rhs = model.rows[deviation.row.index].lower
            columnStatus[(rhs >= 0 ? deviation.minus : deviation.plus).index] = .basic
        }
        for branch in built.taxBranches {
            guard let tau = branch.tau, let top = branch.epigraph.max(by: { model.rows[$0.index].lower < model.rows[$1.index].lower })
            else { continue }
            rowStatus[top.index] = .atLower
            columnStatus[tau.index] = .basic
        }
        return Basis(rows: rowStatus, columns: columnStatus)
    }
}
