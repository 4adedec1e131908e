import Foundation
import LinearProgramming

// Whole shares: each account's trades as steps along its exchange directions.
//
// In an account trading whole shares, the net whole shares t_s = m_s − k_s it trades of each
// symbol s (bought less sold, at price p_s) change its cash by −Σ p_s·t_s. Where later stages
// hold the cash left nearly at its least (band's stages: with the drift inside the band free,
// little is left but spending each account's cash to the cent), the integer points are the few t
// on a thin slab p·t ≈ constant. Branch and bound on the t_s themselves cuts the slab across
// its thickness of a fraction of a share and learns nothing; the relaxation's point moves a
// little along the slab and is fractional again.
//
// So t is written in a second basis of the integers: t = B·λ, λ whole, with B an integer matrix
// of determinant ±1 (unimodular), so that every whole t has exactly one whole λ = B⁻¹·t and the
// model keeps exactly its integer points. B is the LLL-reduced basis of Zⁿ under the norm
// |x|² = Σ x_s² + (10·p·x)² (p in dollars, the cash in dimes): short vectors that move the cash
// little — exchanges of one symbol for others at nearly equal value (8 at $62.50 for 9 at $55
// and …). A branch on a λ_j then splits the slab along it, as the lattice methods for equality
// knapsacks do (Aardal and Lenstra). The rows t_s = Σ_j B_sj·λ_j join the model and the λ_j are
// integer columns, bounded by the range of B⁻¹·t over the bounds of t; the m and k stay integer
// columns too (their rows are only written again, no point is added or removed), and every
// answer is still verified with every integer column fixed. Only `band` gets the lattices
// (RebalanceModel): other strategies' whole-share stages are proven without them, and one
// (401k-menu.yaml under full) became slower with them.

extension ExecutableOrders {
    /// One account's lattice: its symbols (in whole shares), B and B⁻¹, and the λ columns.
    struct Lattice {
        let keys: [Key]
        let basis: [[Int]]
        let inverse: [[Int]]
        var steps: [Variable]
    }

    /// `REBALANCE_LATTICE=0`: no lattices (to compare).
    static let latticeEnabled = ProcessInfo.processInfo.environment["REBALANCE_LATTICE"] != "0"

    /// Accounts with at most this many symbols traded in whole shares get a lattice (LLL on n
    /// vectors: n⁴ steps at worst; a direct-indexing account of hundreds keeps its columns).
    static let latticeSymbolLimit = 16

    /// The exchange lattice of every account in whole shares that trades at least two symbols.
    mutating func addExchangeLattices(_ household: Household, _ model: inout LinearModel) {
        var byAccount: [Int: [Key]] = [:]
        for (key, order) in orders where order.wholeShares && (order.bought != nil || order.sold != nil) {
            byAccount[key.account, default: []].append(key)
        }
        for account in byAccount.keys.sorted() {
            let keys = byAccount[account]!.sorted { $0.symbol < $1.symbol }
            guard keys.count >= 2, keys.count <= Self.latticeSymbolLimit else { continue }
            let prices = keys.map { orders[$0]!.price }
            guard let (basis, inverse) = Self.reducedBasis(prices: prices) else { continue }
            // The bounds of t_s: −(whole shares it may sell) … (whole shares it may buy).
            let low = keys.map { key -> Double in orders[key]!.sold.map { -model.columns[$0.index].upper } ?? 0 }
            let high = keys.map { key -> Double in orders[key]!.bought.map { model.columns[$0.index].upper } ?? 0 }
            var lattice = Lattice(keys: keys, basis: basis, inverse: inverse, steps: [])
            for j in keys.indices {
                var lower = 0.0, upper = 0.0
                for s in keys.indices {
                    let c = Double(inverse[j][s])
                    lower += min(c * low[s], c * high[s])
                    upper += max(c * low[s], c * high[s])
                }
                let lambda = model.addVariable(lower: lower.rounded(), upper: upper.rounded(), integer: true)
                integerColumns += 1
                lattice.steps.append(lambda)
            }
            for (s, key) in keys.enumerated() {
                var terms: [Term] = []
                for j in keys.indices where basis[s][j] != 0 { terms.append(Term(lattice.steps[j], Double(basis[s][j]))) }
                if let m = orders[key]!.bought { terms.append(Term(m, -1)) }
                if let k = orders[key]!.sold { terms.append(Term(k, 1)) }
                model.addConstraint(terms, equalTo: 0)
            }
            lattices.append(lattice)
        }
    }

    /// The λ of every lattice for the whole m and k in `value` (absent: 0).
    func latticeChoice(_ value: [Variable: Double]) -> [(variable: Variable, value: Double)] {
        var fixed: [(variable: Variable, value: Double)] = []
        for lattice in lattices {
            let t = lattice.keys.map { key -> Double in
                let order = orders[key]!
                return (order.bought.flatMap { value[$0] } ?? 0) - (order.sold.flatMap { value[$0] } ?? 0)
            }
            for (j, lambda) in lattice.steps.enumerated() {
                var x = 0.0
                for s in t.indices { x += Double(lattice.inverse[j][s]) * t[s] }
                fixed.append((lambda, x))
            }
        }
        return fixed
    }

    /// An LLL-reduced basis B of Zⁿ (columns) under |x|² = Σ x² + (10·p·x)², with B⁻¹ (both
    /// integer, B·B⁻¹ = I); nil if an entry outgrows exact arithmetic in a Double.
    static func reducedBasis(prices: [Double]) -> (basis: [[Int]], inverse: [[Int]])? {
        let n = prices.count
        // b[i]: the i-th basis vector; inv: B⁻¹ kept alongside (a column operation on B is the
        // inverse row operation on B⁻¹).
        var b = (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
        var inv = b
        // The cash in dimes: weighted in cents, the basis is of nearly exact exchanges but its
        // inverse runs to thousands, and GLPK's branch and bound then cut off true optima; in
        // dollars, the searches were up to 30 times slower (docs/engineering.md).
        let weight = prices.map { 10 * $0 }

        // Gram–Schmidt coefficients, recomputed after each change (n is small).
        var mu = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var norms = [Double](repeating: 0, count: n)
        func gramSchmidt() {
            var star: [[Double]] = []
            for i in 0..<n {
                var v = b[i].map(Double.init)
                var vw = 0.0
                for t in 0..<n { vw += weight[t] * v[t] }
                for j in 0..<i {
                    // <b_i, b*_j> under the form, over |b*_j|².
                    var plain = 0.0, pj = 0.0, pi = 0.0
                    for t in 0..<n {
                        plain += Double(b[i][t]) * star[j][t]
                        pj += weight[t] * star[j][t]
                        pi += weight[t] * Double(b[i][t])
                    }
                    mu[i][j] = norms[j] > 0 ? (plain + pi * pj) / norms[j] : 0
                    for t in 0..<n { v[t] -= mu[i][j] * star[j][t] }
                }
                vw = 0
                var plain = 0.0
                for t in 0..<n {
                    vw += weight[t] * v[t]
                    plain += v[t] * v[t]
                }
                norms[i] = plain + vw * vw
                star.append(v)
            }
        }
        let limit = 1 << 50
        gramSchmidt()
        var k = 1, steps = 0
        while k < n {
            steps += 1
            guard steps < 100_000 else { return nil }
            for j in stride(from: k - 1, through: 0, by: -1) {
                let q = mu[k][j].rounded()
                guard q != 0 else { continue }
                guard abs(q) < 1e12 else { return nil }
                let qi = Int(q)
                for t in 0..<n {
                    b[k][t] -= qi * b[j][t]
                    inv[t][j] += qi * inv[t][k]
                    guard abs(b[k][t]) < limit, abs(inv[t][j]) < limit else { return nil }
                }
                gramSchmidt()
            }
            if norms[k] >= (0.99 - mu[k][k - 1] * mu[k][k - 1]) * norms[k - 1] {
                k += 1
            } else {
                b.swapAt(k, k - 1)
                for t in 0..<n { inv[t].swapAt(k, k - 1) }
                gramSchmidt()
                k = max(k - 1, 1)
            }
        }
        // basis[s][j]: symbol s of vector j; inverse[j][s] likewise for B⁻¹.
        let basis = (0..<n).map { s in (0..<n).map { j in b[j][s] } }
        let inverse = (0..<n).map { j in (0..<n).map { s in inv[s][j] } }
        // Exact: B·B⁻¹ = I.
        for i in 0..<n {
            for j in 0..<n {
                var x = 0
                for t in 0..<n { x += basis[i][t] * inverse[t][j] }
                guard x == (i == j ? 1 : 0) else { return nil }
            }
        }
        return (basis, inverse)
    }
}

// Exact change: once the stages held so far pin an account's leftover cash (band's first stage
// at 0 spends each account's cash to the cent, and every later stage holds that), its whole
// shares t satisfy p·t = cash − leftover exactly, and so do those of a plan already found, t*:
// p·(t − t*) = 0. With the prices as whole multiples P of a unit (a cent, or less), each symbol
// s then satisfies P_s·(t_s − t*_s) ≡ 0 modulo g_s, the gcd of the account's other prices, so
// t_s moves in steps of m_s = g_s / gcd(P_s, g_s): at $300, $62.50 and $72.10 (30000, 6250 and
// 7210 cents) an account spending its cash to the cent trades BND only in multiples of 125
// shares ($9,012.50), which the relaxation does not see (it bought 200.9 BND where a plan buys
// 125 or 250), and branch and bound on the share counts or on the lattice's λ took thousands of
// nodes to learn it (three-fund.yaml under band:5: seconds a stage). Each such symbol gets a
// whole column w and the row t_s − m_s·w = t*_s: no plan the held stages allow is removed (each
// has such a w), and branching on w moves t_s by a whole step.
//
// The leftover is pinned when the LP relaxation of the held stages bounds it (min and max)
// within less than half the granule g/unit (g the gcd of every P): two plans' leftovers differ
// by a multiple of the granule. Only accounts whose every order is in whole shares with no
// closing of a fractional position (the cash row is then exactly leftover + p·t = constant).
// The rows hold only while the stages are held as they were when they were added: a stage
// retried with the whole stage margin frees them (`ExactChange.release`).

extension ExecutableOrders {
    /// One exact-change column: w with t_s − modulus·w = residue.
    struct Congruence {
        let w: Variable
        /// t_s: +m (bought) and −k (sold).
        let shares: [Term]
        let modulus: Double
        let residue: Double
        let row: ConstraintRef
    }

    /// The exact-change columns a session got, and the accounts already looked at.
    final class ExactChange {
        var congruences: [Congruence] = []
        /// Accounts whose leftover was pinned (their congruences added).
        var pinned = Set<Int>()
        /// Freed for good (a stage retried with the whole stage margin).
        var released = false

        /// Each w in `point` (a point of the session's columns, or fewer) as its shares say.
        func complete(_ point: inout [Double]) {
            for c in congruences where c.w.index < point.count {
                let t = c.shares.reduce(0) { $0 + $1.coefficient * point[$1.variable.index] }
                point[c.w.index] = ((t - c.residue) / c.modulus).rounded()
            }
        }

        /// Frees every row (they may no longer hold) and adds no more.
        func release(_ session: some SolverSession) throws(LinearProgrammingError) {
            guard !released else { return }
            released = true
            for c in congruences { try session.setBounds(c.row, lower: -.infinity, upper: .infinity) }
        }
    }

    /// The net whole shares t_s of one account and symbol: +m, −k.
    func netShares(_ key: Key) -> [Term] {
        let order = orders[key]!
        return (order.bought.map { [Term($0, 1)] } ?? []) + (order.sold.map { [Term($0, -1)] } ?? [])
    }

    /// The prices as whole multiples of one unit (1/100, 1/1000 … of a dollar, the coarsest that
    /// makes every price whole), or nil.
    static func wholePrices(_ prices: [Double]) -> (whole: [Int], unit: Double)? {
        var scale = 100.0
        while scale <= 1e6 {
            let whole = prices.map { ($0 * scale).rounded() }
            if zip(prices, whole).allSatisfy({ abs($0 * scale - $1) <= 1e-9 * max(1, $1) && $1 >= 1 && $1 < 1e12 }) {
                return (whole.map { Int($0) }, 1 / scale)
            }
            scale *= 10
        }
        return nil
    }

    /// `REBALANCE_EXACT_LAMBDA=1`: the λ of an account with exact-change steps stay integer (to compare).
    static let relaxesLattice = ProcessInfo.processInfo.environment["REBALANCE_EXACT_LAMBDA"] != "1"
    /// `REBALANCE_EXACT_CHANGE=0`: no exact-change steps (to compare).
    static let exactChangeEnabled = ProcessInfo.processInfo.environment["REBALANCE_EXACT_CHANGE"] != "0"

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (abs(a), abs(b))
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// Each symbol's step m_s (1: none) for whole prices P: g_s / gcd(P_s, g_s), g_s the gcd of
    /// the others.
    static func exactChangeSteps(_ whole: [Int]) -> [Int] {
        whole.indices.map { s in
            let others = whole.indices.filter { $0 != s }.reduce(0) { gcd($0, whole[$1]) }
            return others / gcd(whole[s], others)
        }
    }
}

extension Optimizer {
    /// Adds the exact-change columns of every account with a lattice whose leftover cash the
    /// rows held now pin (see above), `plan` (a plan satisfying them) giving t*.
    func addExactChange(_ built: RebalanceModel, _ session: Solver.Session, plan: Solution) throws(LinearProgrammingError) {
        guard ExecutableOrders.exactChangeEnabled, let state = built.orders.exactChange, !state.released else { return }
        let orders = built.orders
        for lattice in orders.lattices {
            let a = lattice.keys[0].account
            guard !state.pinned.contains(a), built.household.scenario.accounts[a].wholeShares,
                lattice.keys.allSatisfy({ orders.orders[$0]!.closes == nil }),
                let (whole, unit) = ExecutableOrders.wholePrices(lattice.keys.map { orders.orders[$0]!.price })
            else { continue }
            let steps = ExecutableOrders.exactChangeSteps(whole)
            guard steps.contains(where: { $0 > 1 }) else { continue }
            let granule = Double(whole.reduce(0, ExecutableOrders.gcd)) * unit
            let e = built.excessCash[a]
            try session.setObjective([Term(e, 1)])
            let least = session.solveRelaxation()
            try session.setObjective([Term(e, -1)])
            let most = session.solveRelaxation()
            guard least.status == .optimal, most.status == .optimal else { continue }
            let (low, high) = (least.objectiveValue, -most.objectiveValue)
            let tolerance = 1e-6 * (1 + abs(high))
            let leftover = plan.values[e.index]
            guard high - low + 2 * tolerance < granule / 2, leftover >= low - tolerance, leftover <= high + tolerance else { continue }
            state.pinned.insert(a)
            for (s, key) in lattice.keys.enumerated() where steps[s] > 1 {
                let shares = orders.netShares(key)
                let t = shares.reduce(0) { $0 + $1.coefficient * plan.values[$1.variable.index] }
                let residue = t.rounded()
                guard abs(t - residue) < 1e-6 else { continue }
                let order = orders.orders[key]!
                let most = order.bought.map { built.model.columns[$0.index].upper } ?? 0
                let least = order.sold.map { -built.model.columns[$0.index].upper } ?? 0
                let modulus = Double(steps[s])
                let w = try session.addVariable(
                    Column(
                        lower: ((least - residue) / modulus).rounded(.up), upper: ((most - residue) / modulus).rounded(.down),
                        isInteger: true))
                let row = try session.addConstraint(Row(shares + [Term(w, -modulus)], lower: residue, upper: residue))
                state.congruences.append(ExecutableOrders.Congruence(w: w, shares: shares, modulus: modulus, residue: residue, row: row))
                Trace.log { "exact change: account \(a) symbol \(key.symbol) in steps of \(steps[s]) shares (leftover \(low)…\(high))" }
            }
            // Each λ is B⁻¹·t, whole wherever t is: with the steps in place, branching on λ (whose
            // bounds run to hundreds of thousands) only risks GLPK's bound tightening cutting off
            // a true optimum (m1-nested-deposit.yaml's misallocation stage, 3,351.40 called
            // optimal where 3,291.36 is reachable).
            if ExecutableOrders.relaxesLattice { session.relaxIntegrality(lattice.steps) }
        }
    }
}
