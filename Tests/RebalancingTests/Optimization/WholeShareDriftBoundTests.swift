import Foundation
import GLPKSolver
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// The whole-share drift bound (WholeShareDriftBound.swift) against listing every whole-share
/// plan of tiny households: one or two accounts of one group, two or three symbols, every
/// account holding a lot of each with fractional shares (so a sale may close a position, selling
/// its fraction too), some lots `doNotSell`, cash and a deposit. Computed here from the contract
/// alone: per account a and symbol s, a trade is n whole shares bought (n > 0) or sold (n < 0,
/// at most the whole shares it may sell), or the close of every lot it may sell (whole shares
/// and fraction); e_a = cash_a + flow_a − Σ_s p_s·(shares bought − shares sold) ≥ 0;
/// dev_s = p_s·(shares held after the plan) − w_s·I, D = ½(Σ |dev_s| + Σ e_a); a plan that buys
/// a symbol in either account and sells the taxable account's lot of it at a loss breaks the
/// wash-sale guard and is left out (the bound takes the guard's sides into account).
@Suite struct WholeShareDriftBoundTests {
    struct Account {
        var cash = 0.0, flow = 0.0
        var shares: [Double] = []
        var doNotSell: [Bool] = []
        /// Cost basis per share as a fraction of the price (below 1: a loss).
        var basis: [Double] = []
    }

    struct Small {
        var prices: [Double] = [], weights: [Double] = []
        var accounts: [Account] = []
        var symbols: [String] { prices.indices.map { "S\($0)" } }

        var yaml: String {
            let priceList = zip(symbols, prices).map { "\($0): \($1)" }.joined(separator: ", ")
            let slices = zip(symbols, weights).map { "{symbol: \($0), weight: \($1)}" }.joined(separator: ", ")
            let accountList = accounts.enumerated().map { a, account in
                let lots = symbols.indices.map { s in
                    "      - {symbol: \(symbols[s]), shares: \(account.shares[s]), costBasis: \((prices[s] * account.shares[s] * account.basis[s] * 100).rounded() / 100), acquired: 2021-03-04\(account.doNotSell[s] ? ", doNotSell: true" : "")}"
                }.joined(separator: "\n")
                return """
                      - id: a\(a)
                        type: \(a == 0 ? "taxable" : "taxDeferred")
                        cash: \(account.cash)
                        flow: \(account.flow)
                        wholeShares: true
                        lots:
                    \(lots)
                    """
            }.joined(separator: "\n")
            return """
                asOf: 2026-11-20
                prices: {\(priceList)}
                pie: {slices: [\(slices)]}
                accounts:
                \(accountList)
                """
        }

        var investable: Double {
            accounts.reduce(0) { total, account in
                total + account.cash + account.flow + prices.indices.reduce(0) { $0 + prices[$1] * account.shares[$1] }
            }
        }

        /// Each account's trades: shares moved per symbol (the close sells every share it may
        /// sell), with the cash left, when it is not negative.
        func trades(_ account: Account) -> [(moved: [Double], left: Double)] {
            var out: [(moved: [Double], left: Double)] = []
            var moved = [Double](repeating: 0, count: prices.count)
            func choose(_ s: Int, money: Double) {
                if s == prices.count {
                    if money >= -1e-9 { out.append((moved, money)) }
                    return
                }
                let sellable = account.doNotSell[s] ? 0 : account.shares[s]
                let whole = (sellable + 1e-9).rounded(.down)
                // What the later symbols could still raise, to bound the purchases.
                let later = (s + 1..<prices.count).reduce(0.0) { $0 + prices[$1] * account.shares[$1] }
                let most = ((money + later) / prices[s] + 1e-9).rounded(.down)
                var options: [Double] = []
                if most >= -whole { options += stride(from: -whole, through: most, by: 1).map { $0 } }
                if sellable - whole > 1e-9 { options.append(-sellable) }
                for n in options {
                    moved[s] = n
                    choose(s + 1, money: money - prices[s] * n)
                }
                moved[s] = 0
            }
            choose(0, money: account.cash + account.flow)
            return out
        }

        /// Whether account `a`'s lot of symbol s is at a loss (its basis above its value; only
        /// the taxable account 0's losses fall under the wash-sale guard).
        func guardedLoss(_ a: Int, _ s: Int) -> Bool {
            a == 0 && (prices[s] * accounts[a].shares[s] * accounts[a].basis[s] * 100).rounded() / 100 > prices[s] * accounts[a].shares[s]
        }

        /// The least D over every whole-share plan that keeps the wash-sale guard (no symbol
        /// bought in any account while its taxable loss lot is sold).
        func leastD() -> Double {
            let i = investable
            var least = Double.infinity
            let options = accounts.map { trades($0) }
            var chosen: [[Double]] = []
            func combine(_ a: Int, _ left: Double) {
                if a == accounts.count {
                    var d = left
                    for s in prices.indices {
                        let bought = chosen.contains { $0[s] > 0 }
                        if bought && chosen.indices.contains(where: { chosen[$0][s] < 0 && guardedLoss($0, s) }) { return }
                        let held = accounts.reduce(0) { $0 + $1.shares[s] } + chosen.reduce(0) { $0 + $1[s] }
                        d += abs(prices[s] * held - weights[s] / 100 * i)
                    }
                    least = min(least, d / 2)
                    return
                }
                for trade in options[a] {
                    chosen.append(trade.moved)
                    combine(a + 1, left + trade.left)
                    chosen.removeLast()
                }
            }
            combine(0, 0)
            return least
        }
    }

    static func small(seed: UInt64) -> Small {
        var rng = WholeSharesEnumerationTests.Rng(state: seed &* 7_919 &+ 5)
        var h = Small()
        let n = rng.int(2...3)
        for _ in 0..<n { h.prices.append(Double(rng.int(2_000...25_000)) / 100) }
        var left = 100
        for s in 0..<n {
            let w = s == n - 1 ? left : rng.int(10...(left - 10 * (n - 1 - s)))
            h.weights.append(Double(w))
            left -= w
        }
        for _ in 0..<rng.int(1...2) {
            var account = Account()
            account.cash = Double(rng.int(0...30_000)) / 100
            account.flow = rng.int(0...2) == 0 ? Double(rng.int(0...40_000)) / 100 : 0
            for _ in 0..<n {
                // Up to 3.99 shares, a fraction more often than not.
                account.shares.append(Double(rng.int(1...399)) / 100)
                account.doNotSell.append(rng.int(0...5) == 0)
                account.basis.append(Double(rng.int(60...140)) / 100)
            }
            h.accounts.append(account)
        }
        return h
    }

    /// Never above the least D of every plan (it bounds them all); and not a bound that only
    /// ever stays low: above a cent on most of these households, and on some (8 of these 40 when
    /// written) within a cent of the least D.
    @Test func theBoundIsNeverAboveTheLeastDAndOftenReachesIt() throws {
        var reached = 0, positive = 0
        let seeds = 0..<40
        for seed in seeds {
            let small = Self.small(seed: UInt64(seed))
            let built = RebalanceModel(try household(small.yaml), strategy: try Strategy(parsing: "full").kind)
            let bound = try #require(built.wholeShareDriftBound())
            let least = small.leastD()
            #expect(bound <= least + 1e-6, "seed \(seed): bound \(bound) above the least D \(least)\n\(small.yaml)")
            if bound >= least - 0.01 { reached += 1 }
            if bound > 0.01 { positive += 1 }
        }
        #expect(reached >= 5, "the bound reached the least D on \(reached) of \(seeds.count)")
        #expect(positive >= 3 * seeds.count / 4, "the bound above a cent on \(positive) of \(seeds.count)")
    }

    /// No account in whole shares: no bound (the separable one stands alone).
    @Test func noWholeSharesNoBound() throws {
        var small = Self.small(seed: 3)
        small.accounts = [small.accounts[0]]
        let yaml = small.yaml.replacingOccurrences(of: "wholeShares: true", with: "wholeShares: false")
        let built = RebalanceModel(try household(yaml), strategy: try Strategy(parsing: "full").kind)
        #expect(built.wholeShareDriftBound() == nil)
    }

    /// A regression: on `own-pie-account.yaml` in whole shares under `cash-only`, the bound
    /// came out at 10,436.82, above the optimum, and branch and bound stopped there with a plan
    /// about $37 worse. The optimum, worked by hand (HiGHS finds the same on the stage model):
    /// cash-only sells nothing here (every account's cash and deposit cover its minimum), and both
    /// groups' weights sum to 1, so D is each group's total shortfall below target, and each dollar
    /// spent on a class below its target lowers it by one at most.
    /// - Roth (I = 8,200 + 30·500 + 5·600 + 10·300 = 29,200): QQQ $2,520 and VGT $8,680 short;
    ///   its $8,200 is spent to the cent only by 2 QQQ + 12 VGT ($1,000 + $7,200), both staying
    ///   below target: shortfall 11,200 − 8,200 = 3,000.
    /// - Household group (I = 86,015; VTI 0.65·0.6923, VXUS 0.65·0.3077, BNDX 0.35·0.2857 of it
    ///   short by 2,706.32, 1,578.43 and 3,701.07, 7,985.82 in all): the brokerage's $400 buys at
    ///   most $398 ($300, $62.50 and $49 combinations: 1 VTI + 2 BNDX), the 401(k)'s $250 exactly
    ///   4 VXUS; shortfall 7,985.82 − 648 = 7,337.82.
    /// D = 3,000 + 7,337.82 = 10,337.82.
    @Test func cashOnlyOnOwnPieAccountReachesTheOptimum() throws {
        var scenario = try ScenarioLoader.load(path: bundledScenarioPath("own-pie-account.yaml"))
        for a in scenario.accounts.indices { scenario.accounts[a].wholeShares = true }
        let household = Household(scenario)
        let plan = Planner().plan(household, strategy: try Strategy(parsing: "cash-only"))
        #expect(plan.status == .optimal)
        #expect(PlanVerifier(household).violations(of: plan) == [])
        let drift = PlanReport(plan, household: household).summary.misallocatedAfter
        #expect(drift <= 10_337.82 + 0.01 + 1e-7 * 115_215, "D \(drift)")
    }
}
