#!/usr/bin/env bash
# The "every rule" example: a SYNTHETIC rural-akim election whose files exercise every rule of
# election administration in saylau, run end to end with the command line.
#
#   bash examples/every-rule/run.sh
#   SAYLAU=.venv/bin/saylau bash examples/every-rule/run.sh      # a saylau that is not on PATH
#   SAYLAU_HOME=/tmp/er bash examples/every-rule/run.sh          # keep the database there
#
# Without SAYLAU_HOME the story runs in a fresh temporary folder. SAYLAU_DATABASE_URL is
# ignored so that the story always starts from an empty database. Every expected refusal is
# checked: the command must fail AND name the expected rule codes; every expected outcome is
# checked in the output. The script stops at the first surprise.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SAYLAU_CMD="${SAYLAU:-saylau}"
if [[ -z "${SAYLAU_HOME:-}" ]]; then
  SAYLAU_HOME="$(mktemp -d "${TMPDIR:-/tmp}/saylau-every-rule.XXXXXX")"
fi
export SAYLAU_HOME
unset SAYLAU_DATABASE_URL
OUT="${OUT:-$SAYLAU_HOME/out}"
mkdir -p "$OUT"

E=every-rule-2025        # the main election
DE=every-rule-de-2025    # the same polling day, with double entry of protocols
BY=every-rule-by-2026    # the by-election after the recall in er-plurality
TEC=tec-secretary        # who acts for the territorial commission (recorded in the audit log)

LAST=""
step() { printf '\n========== %s\n' "$*"; }
# Run saylau, show the command and its output; the output is kept in $LAST.
run() {
  printf '\n$ saylau %s\n' "$*"
  LAST="$($SAYLAU_CMD "$@")"
  printf '%s\n' "$LAST"
}
# The output of the last command must contain each given text.
expect() {
  local text
  for text in "$@"; do
    if ! grep -qF -- "$text" <<<"$LAST"; then
      echo "!! expected to see '$text' in the output above" >&2
      exit 1
    fi
  done
}
# Run saylau expecting a refusal: the command must fail and name every code in $1.
refused() {
  local codes="$1" code
  shift
  printf '\n$ saylau %s\n  (must be refused with %s)\n' "$*" "$codes"
  if LAST="$($SAYLAU_CMD "$@" 2>&1)"; then
    printf '%s\n' "$LAST"
    echo "!! expected rejection" >&2
    exit 1
  fi
  printf '%s\n' "$LAST"
  for code in $codes; do
    if ! grep -qF -- "$code" <<<"$LAST"; then
      echo "!! the refusal does not name $code" >&2
      exit 1
    fi
  done
}
# The line of the last output that starts with $1 must contain each further text.
expect_line() {
  local prefix="$1" line text
  shift
  line="$(awk -v p="$prefix" 'index($0, p) == 1 { print; exit }' <<<"$LAST")"
  if [[ -z "$line" ]]; then
    echo "!! no line starting with '$prefix' in the output above" >&2
    exit 1
  fi
  for text in "$@"; do
    if ! grep -qF -- "$text" <<<"$line"; then
      echo "!! expected '$text' in the line '$line'" >&2
      exit 1
    fi
  done
}
# The id of a protocol entry: election, station, status[, operator].
entry_id() {
  local id
  id="$($SAYLAU_CMD protocol list "$1" --status "$3" --format csv \
    | awk -F, -v station="$2" -v operator="${4:-}" \
        'NR > 1 && $2 == station && (operator == "" || $5 == operator) { print $1; exit }')"
  if [[ -z "$id" ]]; then
    echo "!! no $3 entry of station $2 in $1" >&2
    exit 1
  fi
  echo "$id"
}
# The SHA-256 printed by `saylau certify`.
fingerprint() { grep -oE '[0-9a-f]{64}' <<<"$LAST" | head -n 1; }
# Certify an okrug, write its final protocol and check the page carries the fingerprint.
certify() {
  local election="$1" okrug="$2" lang="$3" digest
  run certify "$election" "$okrug" --lang "$lang" --as "$TEC" --output "$OUT/$okrug-$election.html"
  digest="$(fingerprint)"
  if [[ ! "$digest" =~ ^[0-9a-f]{64}$ ]] || ! grep -qF "$digest" "$OUT/$okrug-$election.html"; then
    echo "!! $OUT/$okrug-$election.html does not carry the fingerprint '$digest'" >&2
    exit 1
  fi
  echo "   -> $OUT/$okrug-$election.html carries SHA-256 $digest"
}

echo "saylau every-rule example (synthetic data); database in $SAYLAU_HOME, outputs in $OUT"

# ---------------------------------------------------------------------------------------
step "1. The call: the incumbents' terms end on 30 Jul 2025; called on 1 Jun (law in force: rural-akim-2023)"
# A call after 20 Jun (40 days before the end of the term) would be late (K.001), and a term
# ending before polling day contradicts the ground (K.009): both refused, nothing stored.
refused "S.005 K.001" election create "$E" --type rural_akim --date 2025-07-20 \
  --term-ends 2025-07-30 --called-on 2025-06-21 --territory KZ-15 --synthetic --as "$TEC" \
  --name-kk "x" --name-ru "x" --name-en "x"
refused "S.005 K.009" election create "$E" --type rural_akim --date 2025-07-20 \
  --term-ends 2025-07-10 --called-on 2025-05-01 --territory KZ-15 --synthetic --as "$TEC" \
  --name-kk "x" --name-ru "x" --name-en "x"
run election create "$E" --type rural_akim --date 2025-07-20 --term-ends 2025-07-30 \
  --called-on 2025-06-01 --territory KZ-15 --synthetic --as "$TEC" \
  --name-kk "Ауыл әкімдерін сайлау, барлық ережелер мысалы (синтетикалық)" \
  --name-ru "Выборы сельских акимов, пример «все правила» (синтетические данные)" \
  --name-en "Rural akim elections, every-rule example (synthetic data)"
expect "rural-akim-2023"
run election load "$E" "$HERE" --as "$TEC"
expect "contests: 6" "stations: 9"
run election calendar "$E" --format csv
# nomination 2-24 Jun (26 days before polling), registration to 29 Jun (21 days), 18:00
expect "call,2025-06-01,2025-06-20" "called in time" "nomination,2025-06-02,2025-06-24T18:00:00+05:00" \
  "registration,,2025-06-29T18:00:00+05:00"
# The settings of the law version that decide outcomes below (all unconfirmed by sources).
WINNER_SETTINGS='^rural-akim-2023,.*,(against_all_on_ballot|against_all_effect|single_candidate_threshold|turnout_quorum|repeat_candidate_pool),'
printf '\n$ saylau rules --versions --format csv | grep -E %q\n' "$WINNER_SETTINGS"
LAST="$($SAYLAU_CMD rules --versions --format csv | grep -E "$WINNER_SETTINGS")"
printf '%s\n' "$LAST"
expect ",against_all_effect,informational," ",single_candidate_threshold,1/2,"

# ---------------------------------------------------------------------------------------
step "2. Nominations: four refusals (K.002 late, E.007 signatures, E.002 age, E.009 deposit)"
run candidate nominate "$E" "$HERE/candidates.csv" --as "$TEC" --format csv
expect "er-c01,registered" "er-c02,registered" "er-c03,refused,K.002" "er-c04,registered" \
  "er-c05,refused,E.007" "er-c06,refused,E.002" "er-c07,refused,E.009" "er-c08,registered" \
  "er-c09,registered" "er-c10,registered" "er-c11,registered" "er-c16,registered" \
  "er-c17,registered"
refused "N.005" candidate redecide er-c05 --reason "try to shrink the okrug" \
  --set voters_in_okrug=100 --as "$TEC"
step "2a. Appeal: er-c05's signatures re-verified (20 -> 41 of the 36 needed), decided again"
run candidate redecide er-c05 --as "$TEC" --set signatures=41 --format csv \
  --reason "Appeal upheld (synthetic decision No. 7): 21 signatures wrongly struck out"
expect "er-c05,registered"

# ---------------------------------------------------------------------------------------
step "2b. Withdrawal (art. 113-6): er-c17 applies on 26 Jun; the registration is cancelled"
run candidate withdraw er-c17 --applied-at 2025-06-26T09:00+05:00 --ballots-not-printed \
  --document "Written application of 26 Jun (synthetic)" --as "$TEC"
refused "S.007 K.011" candidate withdraw er-c17 --applied-at 2025-06-27T09:00+05:00 \
  --ballots-not-printed --as "$TEC"
run election calendar "$E" --format csv
# one candidate left in er-withdrawal: the extension the law version provides (up to 5 days)
expect_line "okrugs,er-withdrawal,1," "too_few" "er-c17"
run election calendar "$E" --okrug er-withdrawal
expect "nomination may be extended by up to 5 days (K.010)"
step "2c. Too few candidates: nomination in er-withdrawal extended by 3 days (K.010)"
refused "S.006 K.010" election extend "$E" er-withdrawal --days 6 \
  --decided-at 2025-06-26T15:00+05:00 --as "$TEC"
refused "S.006 K.010" election extend "$E" er-tie --days 3 \
  --decided-at 2025-06-26T15:00+05:00 --as "$TEC"
run election extend "$E" er-withdrawal --days 3 --decided-at 2025-06-26T15:00+05:00 \
  --document "TEC decision 5/2 (synthetic)" --as "$TEC"
run election calendar "$E" --okrug er-withdrawal --format csv
# counted from the withdrawal (after nomination had closed): to 29 Jun, registration to 4 Jul
expect "nomination_extended,2025-06-26T18:00:00+05:00,2025-06-29T18:00:00+05:00" \
  "registration,,2025-07-04T18:00:00+05:00" "okrugs,er-withdrawal,1,extended,"
run candidate nominate "$E" "$HERE/candidates-extension.csv" --as "$TEC" --format csv
# inside the extension in er-withdrawal; too late in er-plurality, which has no extension
expect "er-c18,registered" "er-c19,refused,K.002"
step "2d. er-c18 withdraws after the ballots were printed: the name stays on the ballot"
run candidate withdraw er-c18 --applied-at 2025-07-15T10:00+05:00 --ballots-printed \
  --document "Written application of 15 Jul (synthetic)" --as "$TEC"
# one candidate left again, but nomination was extended once already (K.010)
refused "S.006 K.010" election extend "$E" er-withdrawal --days 1 \
  --decided-at 2025-07-15T15:00+05:00 --as "$TEC"

# ---------------------------------------------------------------------------------------
step "3. A protocol that breaks five control relations is rejected; nothing is stored"
refused "V.005 P.101 P.102 P.103 P.108 P.109" protocol submit "$HERE/protocol-rejected.json" \
  --as op-301
run protocol list "$E" --format csv
if grep -qF "er-ps-301" <<<"$LAST"; then echo "!! the rejected protocol was stored" >&2; exit 1; fi

step "3a. Home voting: a split that does not add up (P.111) and a portable box holding more than was issued outside (P.113)"
refused "V.005 P.111 P.113" protocol submit "$HERE/protocol-home-voting-rejected.json" --as op-801
step "3b. Marks for er-c18 (withdrawn after printing) are invalid ballots by default (withdrawn_votes, unconfirmed): a count on the line is refused (P.110)"
refused "V.005 P.110" protocol submit "$HERE/protocol-withdrawn-counted.json" --as op-801

step "4. The other protocols: all consistent, accepted (er-ps-801 with its home-voting split)"
run protocol submit "$HERE/protocols.json" --as op-district
expect "er-ps-301" "er-ps-801" "accepted"

step "5. A protocol with a warning (8% invalid ballots, P.201) is held until acknowledged"
run protocol submit "$HERE/protocol-warnings.json" --as op-302 --format csv
expect "er-ps-302,1,held,P.201"
run tabulate "$E" --format csv
expect_line "er-plurality,2/3" "not all stations reported"
HELD="$(entry_id "$E" er-ps-302 held)"
run protocol acknowledge "$HELD" --as sup-dana \
  --note "Checked against the paper protocol: 64 invalid ballots is right (synthetic)"
run protocol list "$E" --status accepted --format csv
expect "er-ps-302,1,1,op-302,accepted,P.201"

step "6. A correction is version 2 and needs a reason (V.004 without one); version 1 stays"
refused "V.004" protocol submit "$HERE/protocol-correction-no-reason.json" --as op-303
run protocol submit "$HERE/protocol-correction.json" --as op-303 --format csv
expect "er-ps-303,2,accepted"
run protocol list "$E" --format csv
expect "er-ps-303,1,1,op-district,accepted" "er-ps-303,2,1,op-303,accepted,,Recount"

# ---------------------------------------------------------------------------------------
step "7. Tabulation: plurality, a tie, a single candidate above and below the threshold"
run tabulate "$E"
run tabulate "$E" --format csv
expect_line "er-plurality,3/3" "elected" "1,210"
expect_line "er-tie,2/2" "tied" "600" "draw lots"
expect_line "er-single-above,1/1" "elected" "430"
expect_line "er-single-below,1/1" "repeat election"
expect_line "er-against-all,1/1" "elected" "250"
expect_line "er-withdrawal,1/1" "elected" "788"
run explain er-withdrawal --election "$E"
expect "W.009" "counted among the invalid ballots" "W.003"
run explain er-single-below --election "$E"
expect "W.003" "(50.0%)" "W.008"
run explain er-single-above --election "$E"
expect "W.003"

step "8. Against all leads in er-against-all (400 votes against 250 and 150)"
run explain er-against-all --election "$E"
expect "W.005" "Against all: 400" "W.001"
PY="${SAYLAU_PYTHON:-}"
if [[ -z "$PY" ]]; then
  SAYLAU_BIN="$(command -v "${SAYLAU_CMD%% *}" || true)"
  if [[ -n "$SAYLAU_BIN" && -x "$(dirname "$SAYLAU_BIN")/python" ]]; then
    PY="$(dirname "$SAYLAU_BIN")/python"
  else
    PY=python3
  fi
fi
if "$PY" -c "import saylau" 2>/dev/null; then
  printf '\n$ %s what_if_against_all.py --db %s\n' "$PY" "$SAYLAU_HOME/saylau.db"
  LAST="$("$PY" "$HERE/what_if_against_all.py" --db "$SAYLAU_HOME/saylau.db")"
  printf '%s\n' "$LAST"
  expect "repeat_if_leads (what-if override, unconfirmed)" "W.008"
else
  echo "(skipped the what-if of against_all_effect: set SAYLAU_PYTHON to a Python with saylau)"
fi

# ---------------------------------------------------------------------------------------
step "9. The tie: no certification before the draw, the draw recorded, elected by lot"
refused "T.008" certify "$E" er-tie --as "$TEC" --output "$OUT/never-written.html"
refused "T.004" lots record "$E" er-tie --winner er-c03 --drawn-by "TEC chair (synthetic)" \
  --drawn-at 2025-07-22T11:00+05:00 --witness "Observer A (synthetic)" --as "$TEC"
run lots record "$E" er-tie --winner er-c02 --drawn-by "TEC chair Sapar S. (synthetic)" \
  --drawn-at 2025-07-22T11:00+05:00 --witness "Observer A (synthetic)" \
  --witness "Candidate proxy B (synthetic)" --as "$TEC"
run explain er-tie --election "$E"
expect "W.002" "TEC chair Sapar S. (synthetic)"
run tabulate "$E" --format csv
expect_line "er-tie,2/2" "elected by lot"

step "10. Certification: each okrug's final protocol with its SHA-256 fingerprint"
certify "$E" er-tie kk
certify "$E" er-plurality ru
certify "$E" er-single-above en
certify "$E" er-single-below en
certify "$E" er-against-all ru
certify "$E" er-withdrawal kk

# ---------------------------------------------------------------------------------------
step "11. Double entry: two operators per protocol, discrepancies resolved by a supervisor"
run election create "$DE" --type rural_akim --date 2025-07-20 --term-ends 2025-07-30 \
  --called-on 2025-06-01 --territory KZ-15 --double-entry --synthetic --as "$TEC" \
  --name-kk "Қос енгізу мысалы (синтетикалық)" \
  --name-ru "Пример двойного ввода (синтетические данные)" \
  --name-en "Double-entry example (synthetic data)"
run election load "$DE" "$HERE/double-entry" --as "$TEC"
run candidate nominate "$DE" "$HERE/double-entry/candidates.csv" --as "$TEC" --format csv
expect "er-c12,registered" "er-c13,registered"
run protocol submit "$HERE/double-entry/operator-1.json" --as op-aigerim --format csv
expect "er-ps-701,1,awaiting_second" "er-ps-702,1,awaiting_second"
refused "V.006" protocol submit "$HERE/double-entry/operator-1.json" --as op-aigerim
run protocol submit "$HERE/double-entry/operator-2.json" --as op-bolat --format csv
expect "er-ps-701,1,accepted" "er-ps-702,1,discrepancy,,\"invalid, votes.er-c13\""
run protocol list "$DE"
RIGHT="$(entry_id "$DE" er-ps-702 discrepancy op-aigerim)"
run protocol resolve "$RIGHT" --as sup-dana \
  --note "Paper protocol 702 checked: op-aigerim's entry is right (synthetic)"
run protocol list "$DE" --format csv
expect "er-ps-702,1,1,op-aigerim,accepted" "er-ps-702,1,2,op-bolat,superseded"
run tabulate "$DE" --format csv
expect_line "er-double,2/2" "elected" "440"
certify "$DE" er-double en

# ---------------------------------------------------------------------------------------
step "12. Recall in er-plurality: council request, maslikhat decision, early termination"
run recall record er-plurality --step council_request --date 2025-11-10 --akim er-c04 \
  --body "Kopshilik village council (synthetic)" --document "Council resolution 11/3" --as "$TEC"
refused "R.004" recall record er-plurality --step early_termination --date 2025-11-12 \
  --outcome removed --akim er-c04 --body "Territorial commission" --as "$TEC"
run recall record er-plurality --step maslikhat_decision --date 2025-12-05 --akim er-c04 \
  --outcome removed --body "District maslikhat (synthetic)" --document "Decision 42/7" --as "$TEC"
run recall record er-plurality --step early_termination --date 2025-12-08 --akim er-c04 \
  --outcome removed --body "District maslikhat (synthetic)" --document "Decision 42/8" --as "$TEC"
refused "R.006" recall record er-plurality --step by_election_called --date 2026-01-05 \
  --by-election "$BY" --body "Territorial commission" --as "$TEC"
step "12a. The by-election is called within one month of the early termination (8 Dec), then recorded"
# 20 Jan 2026 is more than a month after 8 Dec 2025: late (K.001, art. 113-1 para 3)
refused "S.005 K.001" election create "$BY" --type rural_akim --date 2026-03-15 \
  --terminated 2025-12-08 --called-on 2026-01-20 --territory KZ-15 --synthetic --as "$TEC" \
  --name-kk "x" --name-ru "x" --name-en "x"
run election create "$BY" --type rural_akim --date 2026-03-15 --terminated 2025-12-08 \
  --called-on 2026-01-05 --territory KZ-15 --synthetic --as "$TEC" \
  --name-kk "Көпшілік округі әкімінің қосымша сайлауы (синтетикалық)" \
  --name-ru "Дополнительные выборы акима Копшиликского округа (синтетические данные)" \
  --name-en "By-election of the akim of Kopshilik okrug (synthetic data)"
run recall record er-plurality --step by_election_called --date 2026-01-05 --by-election "$BY" \
  --body "Every-Rule District territorial commission (synthetic)" --document "TEC decision 1/2026" \
  --as "$TEC"
run recall show er-plurality --format csv
expect "council_request" "maslikhat_decision" "early_termination" "by_election_called"
run recall show er-plurality

step "12b. The by-election's own result"
run election load "$BY" "$HERE/by-election" --as "$TEC"
run election calendar "$BY" --format csv
expect "terminated,2025-12-08,2025-12-08" "call,2026-01-05,2026-01-08" "nomination,2026-01-06,"
run candidate nominate "$BY" "$HERE/by-election/candidates.csv" --as "$TEC" --format csv
expect "er-c14,registered" "er-c15,registered"
run protocol submit "$HERE/by-election/protocols.json" --as op-district
run tabulate "$BY" --format csv
expect_line "er-plurality,3/3" "elected" "980"
run explain er-plurality
expect "$BY"
certify "$BY" er-plurality kk

# ---------------------------------------------------------------------------------------
step "13. Financing: the budget allocated to the territorial commission, spending by item"
run finance allocate "$E" --commission er-tec --amount 4500000 --date 2025-06-01 \
  --document "District akimat budget programme (synthetic)" \
  --budget-line "District budget: elections of rural akims (synthetic)" --as akimat-finance
# The documented figure of 2021 (220,000 KZT per rural candidate), used here as an example.
run finance allowance "$E" --amount 220000 --date 2025-06-01 --as akimat-finance \
  --source "220,000 KZT per rural candidate in 2021 (inbusiness.kz); applied to this synthetic election"
refused "F.002" finance allocate "$E" --commission er-pec-201 --amount 100000 --date 2025-06-01 \
  --as akimat-finance
run finance spend "$E" --commission er-tec --item ballots --amount 650000 --date 2025-07-01 \
  --document "Printing house invoice 17 (synthetic)" --as "$TEC"
run finance spend "$E" --commission er-tec --item commission_pay --amount 2100000.50 \
  --date 2025-07-25 --as "$TEC"
run finance spend "$E" --commission er-tec --item premises --amount 300000 --okrug er-tie \
  --date 2025-07-19 --as "$TEC"
run finance spend "$E" --commission er-tec --item transport --amount 180000 --okrug er-single-below \
  --date 2025-07-20 --as "$TEC"
refused "F.005" finance spend "$E" --commission er-tec --item publicity --amount 2000000 \
  --date 2025-07-26 --as "$TEC"
run finance report "$E"
run finance report "$E" --format csv
expect "election,every-rule-2025,450000000,323000050" "allowance,every-rule-2025,22000000,242000000,11," \
  "cost,every-rule-2025,,565000050" "per_candidate,every-rule-2025,,51363641,11" \
  "per_voter,every-rule-2025,,58854,9600"

# ---------------------------------------------------------------------------------------
step "14. The audit log: every change above is chained; the chain verifies"
run db verify-audit
expect "intact"

step "Done: every rule exercised. Final protocols are in $OUT"
ls -1 "$OUT"
