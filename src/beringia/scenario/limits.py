"""Bounds on every scenario input, in one place, each with the reason it is what it is.

Three kinds of limit live here:

* **physical** bounds that come from the project's research notes (cited by
  file and section): a tunnel boring machine between 1 m and 20 m, a probability in [0, 1];
* **sanity** limits, stated as such: far outside anything the notes or the built-in scenarios
  use (typically 10 to 100 times beyond), they catch a wrong unit or a slipped exponent
  (``1e9`` for ``1e3``) before it turns into nonsense or a run that never ends;
* **work** limits on sizes that drive memory and time (years simulated, list lengths, tunnel
  length, file size): a scenario above them would take minutes to gigabytes, so it is refused
  before anything is allocated.

The built-in scenarios, the hindcasts and the shipped train library lie well inside every limit
(``tests/test_fuzz.py`` checks that they validate). A limit that a real project needs to
exceed should be raised here, with its source, not worked around.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- files and text
MAX_FILE_BYTES = 4 * 1024 * 1024
"""Work: a scenario file is read whole. The largest built-in is about 60 kB; 4 MB is ~70 of it."""

MAX_NESTING = 16
"""Work: deepest nesting of tables and arrays. The format nests 6 deep (a distribution inside a
table of tables inside a list); deeper documents are refused before recursion can run out."""

MAX_NAME_CHARS = 100
"""Sanity: identifying names (bores, machines, zones, claims...) appear in tables, paths and
errors. The longest built-in name has ~60 characters."""

MAX_OVERRIDE_CHARS = 10_000
"""Sanity: one ``--set path=value`` on the command line."""

# --------------------------------------------------------------------------- list lengths
# Work: each item of these lists multiplies the work of a draw. The built-ins use at most the
# first figure in each comment; the limits leave room for detailed studies.
MAX_ATTACK_POINTS = 50  # built-ins: 4 (two portals, two islands); every one launches headings
MAX_WAYPOINTS = 200  # built-ins: 6
MAX_DEPTH_POINTS = 2000  # built-ins: 3; a digitised chart profile needs hundreds
MAX_GROUND_CLASSES = 50  # built-ins: 4
MAX_ZONES = 500  # built-ins: 5; each zone is a separate semi-Markov chain per bore and draw
MAX_MACHINES = 50  # built-ins: 1 or 2
MAX_BORES = 8  # built-ins: 3 (Channel Tunnel layout: two running bores and a service bore)
MAX_EVENT_TYPES = 50  # built-ins: 4
MAX_BORE_REUSES = 16  # built-ins: 0; machine moves onto a later drive, per bore
MAX_BORE_STOPS = 16  # built-ins: 0; headings of a bore stopped at a given chainage
MAX_CLAIMS = 100  # built-ins: 4
MAX_TRAIN_TYPES = 50  # shipped library: 6
MAX_TRAFFIC = 50  # built-ins: 3 train types in the timetable
MAX_INCIDENT_TYPES = 50  # built-ins: 4
MAX_TRACK_GAUGES = 4  # built-ins: 2 (dual gauge); three-rail and four-rail track exist, no more
MAX_CROSSOVERS = 50  # built-ins: 2 (at the Diomede Islands); the Channel Tunnel has 2 in 50 km
MAX_CURVE_POINTS = 200  # tractive-effort points; the shipped library uses 2 to ~20
MAX_DISCRETE_VALUES = 1000  # values of one discrete distribution
MAX_REFERENCE_ROWS = 1000  # the shipped reference set has ~30 tunnels
MAX_CORRIDOR_TABLES = 5000  # node, segment or place edits; the shipped network has ~30 of each
MAX_ROUTE_PAIRS = 200  # the shipped places give 20 origin-destination pairs

# --------------------------------------------------------------------------- route and ground
MAX_TUNNEL_KM = 500.0
"""Sanity and work: the Bering Strait tunnel is 100-112 km, the longest proposal in the notes is
Bohai Strait at 123-125 km (construction.md, reference table). 500 km bounds chainages and so
the size of every chainage-indexed array (50,000 points at a 10 m grid)."""

MIN_MEAN_RUN_M = 10.0
"""Work: the shortest mean run of one ground class. Runs are drawn one by one along every bore
in every draw; 10 m is below any geological mapping unit (built-ins: 100 m and up)."""

MAX_GRADIENT_PERMILLE = 100.0
"""Sanity: adhesion railways stay far below 100 per mille; main lines are limited to 12.5 per
mille (EU TSI, EBO s.7; built-in alignment source)."""

MIN_GRADIENT_PERMILLE = 1.0
"""Sanity: a 1 per mille ramp needs 1 km of land per metre of depth; flatter ones never reach
a subsea tunnel's depth within the shipped land window."""

MAX_SEGMENT_KM = 20_000.0
"""Sanity: one corridor segment (the shipped network's longest is 6,274 km; the Trans-Siberian
is ~9,300 km end to end). A segment of 1e9 km would make transit times and costs meaningless."""

# --------------------------------------------------------------------------- machines and bores
MIN_TBM_DIAMETER_M = 1.0
"""Physical: below ~1 m it is pipe jacking or microtunnelling, not a bore anyone travels in
(the smallest machines in the notes are the Boring Company's Prufrock, construction.md 3.4)."""

MAX_TBM_DIAMETER_M = 20.0
"""Physical: the largest TBMs built are ~17.6 m (Tuen Mun-Chek Lap Kok, 17.63 m mixshield:
tbm-limits-risk.md section 4); 20 m leaves room for the next generation, no more."""

MAX_EXCAVATED_DIAMETER_M = 30.0
"""Sanity: an excavated bore of a reference tunnel (drill and blast caverns run wider than any
TBM); 30 m is wider than any running tunnel in the reference set."""

MAX_RECORD_M_PER_DAY = 1000.0
"""Sanity: the best day of any TBM is 172.4 m (Robbins, Katoomba 1994: tbm-limits-risk.md
section 0); a record above 1 km a day is a slipped unit."""


MIN_PENETRATION_M_PER_H = 0.01
"""Sanity and work: 0.24 m a day of pure boring; slower is not tunnelling, and a drive at such
rates would take millennia. Built-ins go down to 0.02 m/h (drill and blast in weak rock)."""

MAX_PENETRATION_M_PER_H = 20.0
"""Sanity: the best day of any TBM (172.4 m) is 7.2 m/h round the clock; built-ins reach 12 m/h
(the claim scenario's own figure)."""

MIN_UTILISATION = 0.01
"""Physical and work: utilisation (share of time spent boring) is 0.11-0.50 by rock class and
"even lower than 10 %" in poor ground (tbm-limits-risk.md section 3); below 1 % (15 minutes a
day) a drive never ends."""

MIN_CROSS_PASSAGE_SPACING_M = 50.0
"""Physical: the closest spacing in the notes is 100 m (Tuen Mun-Chek Lap Kok), rail tunnels use
250-500 m (tbm-limits-risk.md section 6); 50 m is a sanity floor that also bounds the count."""

MAX_CROSS_PASSAGE_SPACING_M = 5000.0
"""Sanity: five times Guadarrama's 1,000 m temporary spacing during construction
(construction.md section 6)."""

MAX_AREA_EXPONENT = 2.0
"""Sanity: advance scales as (face area)^-exponent; the notes derive 0.41 (built-in), and 1
already means advance falls with face area outright."""

MAX_OWNER_COST_FRACTION = 1.0
"""Sanity: design, supervision and owner's costs run ~10-15 % of the construction cost
(construction.md section 6); more than the construction cost itself is a slipped unit."""

# --------------------------------------------------------------------------- time
MAX_DAYS = 36_525.0
MIN_SUPPLY_M3_PER_DAY = 10.0
"""Least excavated volume a site's supply may sustain (m³/day): below it nothing is built."""
MAX_SUPPLY_M3_PER_DAY = 1e6
"""Most excavated volume a site's supply may sustain (m³/day), far above any real site."""
MIN_VENTILATION_REFERENCE_KM = 1.0
"""Least route a reference ventilation plant serves (km): less is a slipped unit (m for km)."""
MIN_SITE_POWER_MW = 0.1
"""Least electric power a site may have for the works (MW): below it nothing is built."""
MAX_SITE_POWER_MW = 5_000.0
"""Most power a site may have (MW), several large power stations."""
MIN_CAMP_BEDS = 1.0
"""Least camp beds a site may give: below one bed nobody works there."""
MAX_CAMP_BEDS = 100_000.0
"""Most camp beds a site may give, far above the 375-800 of the largest High Arctic camps."""
MIN_BEDS_PER_FACE = 1.0
"""Least people on site per working face: a face needs at least its operator."""
MAX_BEDS_PER_FACE = 10_000.0
"""Most people on site per working face, far above a whole project's per machine."""
MIN_MWH_PER_M3 = 0.001
"""Least energy a cubic metre of excavation may take (MWh), far below any tunnelling spread."""
MAX_MWH_PER_M3 = 100.0
"""Most energy a cubic metre may take (MWh), a slipped unit far above any spread."""
"""Sanity: durations in days (marine works, shipping, learning curves, event delays, terminal
and degraded days) stay below a century."""

MAX_MONTHS = 1_200.0
"""Sanity: durations in months (manufacture, launch, site works, fit-out) below a century."""

MAX_YEARS = 200.0
"""Sanity: durations in years (claims, programmes, outcomes, ramp-up) below two centuries;
Seikan, the slowest long tunnel in the notes, took ~24 years."""

MAX_ASSET_LIFE_YEARS = 1000.0
"""Sanity: asset lives for the residual value (built-ins: 60-150 years)."""

MAX_SIMULATED_YEARS = 2000
"""Work: simulated years of traffic run one by one for every assessment (built-ins: 200, about a
second); 2,000 takes ~10 s, 1,000,000 would never end."""

MAX_SIMULATED_TRAIN_YEARS = 250_000
"""Work: simulated years times trains a day (both directions), the size of the year-by-year
traffic simulation. The built-ins simulate 200 years of 104 trains a day (20,800, a few
seconds); 250,000 takes minutes on a laptop. Above it, simulate fewer years."""

MAX_HORIZON_YEARS = 200
"""Work and sanity: appraisal years after opening (built-ins: 50; the HM Treasury Green Book
runs to 75 and beyond, the built-in economics source). At a 3 % discount rate year 200 is worth
0.3 % of year one."""

MAX_DISCOUNT_RATE = 0.30
"""Sanity: real discount, debt and equity rates a year. Public rates in the research notes run
from 3 % (EUROCONTROL, OMB A-4) to 7 % (OMB A-94, 1992); required equity returns of
infrastructure concessions are of the order of 10-15 %; 30 % is twice that."""

MIN_DEBT_RATE = -0.05
"""Sanity: real interest rates have been negative (index-linked gilts below -2 % in 2021); a
real debt rate below -5 % a year is a slipped sign."""

MAX_RENEWAL_INTERVAL_YEARS = 200.0
"""Sanity: years between renewals of a tunnel's systems (rails, power, ventilation, pumps:
20-40 years in practice); an interval beyond the longest appraisal never falls due."""

MIN_RENEWAL_INTERVAL_YEARS = 1.0
"""Work: renewals are booked one by one; more than one a year is an operating cost."""

MAX_POLICY_RATES = 20
"""Work: fixed rates of the NPV table (built-ins: 4)."""

# --------------------------------------------------------------------------- money
MAX_USD_M = 1_000_000.0
"""Sanity: one cost item in USD millions stays below $1 trillion, ~10 times the largest
transport programme in the notes (construction.md reference table)."""

MAX_USD_M_PER_KM = 10_000.0
"""Sanity: $10bn per km is ~20 times the P90 of urban tunnelled rail ($442m/km,
tbm-limits-risk.md section 0)."""

MAX_USD_M_PER_DAY = 1_000.0
"""Sanity: crews and plant per heading-day (built-ins: $0.02-0.18m)."""

MAX_USD = 1e9
"""Sanity: plain-dollar unit rates (per FEU, per train-km, per route-km and year, cargo value of
a box) stay below $1bn; the built-ins' largest is $160,000 per FEU."""

MAX_USD_PER_FEU_KM = 1000.0
"""Sanity: rail tariffs run ~$0.5 per FEU-km (corridor.md section 5.1)."""

MAX_COST_BN = 10_000.0
"""Sanity: money in billions (claims, reported costs) below $10 trillion."""

MAX_REPORTED_AMOUNT = 1e15
"""Sanity: a reported cost in units of its own currency; the shipped reference set reaches
7.2e11 (yen), so 1e15 is three orders of magnitude of headroom."""

# --------------------------------------------------------------------------- factors and rates
MIN_FACTOR = 0.01
MAX_FACTOR = 100.0
"""Sanity: multipliers (Arctic cost factors, performance, systemic cost and schedule factors,
event-rate multipliers) outside 1/100..100 mean a wrong unit. An event-rate multiplier near
1e5 took a minute and 4.7 GB for 200 draws before this limit."""

MAX_GSD = 10.0
"""Sanity and work: a geometric standard deviation of 10 already spans eight orders of magnitude
between the 1-in-a-million tails (built-ins: 1.15-2.5)."""

MAX_PERT_SHAPE = 1000.0
"""Sanity: the classic PERT shape is 4; beyond ~1000 it is a fixed value."""

TAIL_PROBABILITY = 1e-6
"""A distribution without an upper end (normal, log-normal) meets an upper limit when its
1-in-a-million upper quantile does."""

MAX_EVENT_RATE_PER_KM = 5.0
"""Sanity and work: events (inflow, collapse, entrapment, fire, interventions under pressure)
per bore-km and ground class; the built-ins reach 0.15 for rare events in fault zones and
2.4 for interventions (Eurasia: eight hyperbaric periods over 3.34 km, tbm-limits-risk.md
section 4.3). Five a km on every bore is a stoppage every 200 m."""

MAX_WATER_PRESSURE_BAR = 50.0
"""Sanity: the deepest drives in the notes ran at up to 15 bar (Lake Mead); 50 bar is ~500 m
of water, deeper than any tunnel built."""

MAX_PRESSURE_FACTOR = 100.0
"""Sanity: an event's rate multiplier for one pressure regime (the built-ins use 0 or 1)."""

MAX_RISKS = 100
"""Sanity and work: named risks of a construction risk register (built-ins: ~10); each
draws five variates per draw."""

MAX_RISKS_PER_YEAR = 10.0
"""Sanity and work: occurrences a year of a project-wide risk given by a rate (built-ins:
earthquakes ~0.02, failed supply seasons ~0.1). Ten a year would stop the works for good."""

MIN_STATION_SPACING_KM = 1.0
"""Work and sanity: emergency stations at most this close (the EU rule cited by the built-ins
is 20 km; a station every km would be a station, not a tunnel)."""

MAX_INCIDENT_RATE = 100.0
"""Sanity and work: incidents per million train-km (built-ins: 0.014-0.5). Every incident is
simulated; 100 per M train-km is one every 10,000 train-km."""

MAX_EARTHQUAKES_PER_YEAR = 50.0
"""Sanity and work: closing earthquakes a year implied by the Gutenberg-Richter a, b and the
closure magnitude (built-in: 0.03). Fifty a year would close the tunnel for months."""

MAX_TEU_PER_YEAR = 1e9
"""Sanity: world container port throughput is under 10^9 TEU a year; one flow cannot exceed it."""

MAX_LOGIT_SCALE = 100.0
"""Sanity: per $1,000 a FEU (built-ins: 0.2-2); 100 is a step function."""

MAX_PCT_PER_DAY = 100.0
"""Sanity: time cost per day in transit as a share of the cargo value (0.6-2.1 %: Hummels and
Schaur 2013, built-in market source)."""

MAX_BUILD_FRONTS = 1000.0
"""Sanity: railheads working at once on the corridor (built-ins: 4-12)."""

MIN_KM_PER_YEAR_PER_FRONT = 1.0
MAX_KM_PER_YEAR_PER_FRONT = 10_000.0
"""Sanity: track laid per railhead and year (Amur-Yakutsk: up to 123 km a year, the built-in
corridor's source). Below 1 km a year the corridor's build time runs to millennia."""

MIN_FITOUT_KM_PER_MONTH = 0.01
MAX_FITOUT_KM_PER_MONTH = 1000.0
"""Sanity: track fitted out per front and month (built-ins: 0.8-2 km, Gotthard-derived);
10 m a month would take centuries, 1,000 km a month is a slipped unit."""

MIN_SPEED_FACTOR = 0.01
"""Sanity: commercial speed over line speed (built-ins: 0.5-0.6); below 1 % trains stand."""

# --------------------------------------------------------------------------- trains and signals
MIN_SPEED_KMH = 10.0
"""Sanity: line speeds and train top speeds below 10 km/h are shunting, not a through line
(built-ins: 80-160 km/h; the 400 km/h ceiling is the fastest commercial trains)."""

MAX_SPEED_KMH = 400.0
"""Physical: no commercial train runs faster than ~350 km/h."""

MIN_BRAKE_M_S2 = 0.05
"""Sanity: braking below 0.05 m/s^2 takes ~20 km from 160 km/h (library: 0.25-0.9 m/s^2)."""

MAX_TRACTIVE_KN = 10_000.0
"""Sanity: the shipped library's strongest consist pulls ~3,500 kN."""

MAX_DAVIS_N = 1e7
"""Sanity: Davis resistance coefficients (library: up to ~115 kN for A)."""

MIN_BLOCK_LENGTH_M = 100.0
"""Work and sanity: a fixed or ETCS block shorter than 100 m is shorter than a train; each
block is a section of the blocking-time calculation (built-ins: 2,000 m)."""

MIN_GREEN_MIN = 1.0
"""Work: green time per direction in single-bore working (built-ins: 100 min); each cycle of a
maintenance night is simulated."""

MIN_TIMETABLE_HOURS = 1.0
"""Sanity: the timetable spreads its paths over at least an hour a day (built-ins: 24)."""


MAX_MWH_PER_KM_YEAR = 10_000.0
"""Sanity: a tunnel's systems (ventilation, cooling, lighting, pumps) use at most 10 GWh a year
per route-km (Lötschberg: ~0.23 GWh; 50 MW of Channel Tunnel cooling over 50 km would be ~9)."""

MAX_INFLOW_M3_PER_MIN_PER_KM = 10.0
"""Sanity: steady seepage pumped out of a finished tunnel, m³ a minute per route-km (the Oslofjord
road tunnel's ~2 m³/min over 7.2 km is ~0.3; Seikan's worst construction flood was 70 m³/min)."""

MAX_USD_PER_KWH = 5.0
"""Sanity: an electricity price in USD per kWh."""

MAX_PUMP_HEAD_M = 2_000.0
"""Sanity: metres a finished tunnel's drainage is lifted to the surface."""
