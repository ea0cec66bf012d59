#!/usr/bin/env Rscript
# Reference implementation of `jia-trial score` (docs/score-command.md) in plain vectorised
# data.table, used by bench/run.ts as the timing baseline and by bench/compare-r.ts as an
# independent implementation of the scoring rules. Default options only (--cutoffs consolaro,
# --esr-uln 20, --crp-uln 10). It does no input validation: give it a valid file.
#
#   Rscript bench/score.R visits.csv scored.csv [joints.csv]
#
# Every threshold decision is taken on integers: values are scaled to micro-units
# (round(x * 1e6)) and ratios are cross-multiplied (100 f <= 70 b, never (f - b) / b), so that
# decimal boundaries such as PhGA 4 -> 2.8 (exactly -30%) agree with the exact-decimal CLI.
suppressPackageStartupMessages(library(data.table))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2L) stop("usage: Rscript score.R in.csv out.csv [joints.csv]")
script_file <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
joints_csv <- if (length(args) >= 3L) args[[3L]] else
  file.path(dirname(script_file), "..", "packages", "outcomes", "data", "joints.csv")

# ---- read --------------------------------------------------------------------------------
numeric_cols <- c("physician_global", "parent_global", "chaq_di", "active_joints",
                  "limited_joints", "esr", "crp", "morning_stiffness_min", "ferritin",
                  "platelets", "ast", "triglycerides", "fibrinogen", "ldh")
logical_cols <- c("systemic_features", "active_uveitis", "fever", "cns_involvement",
                  "haemorrhagic_manifestations")
text_cols <- c("subject_id", "visit_id", "visit_date", "baseline_visit_id", "ilar_category",
               "active_joint_codes")
classes <- c(setNames(rep("character", length(text_cols)), text_cols),
             setNames(rep("numeric", length(numeric_cols)), numeric_cols),
             setNames(rep("logical", length(logical_cols)), logical_cols))
header_line <- sub("^\xef\xbb\xbf", "", readLines(args[[1L]], n = 1L), useBytes = TRUE)  # BOM
header <- strsplit(header_line, ",", fixed = TRUE)[[1L]]
dt <- fread(args[[1L]], colClasses = classes[intersect(names(classes), header)], na.strings = "")
input_cols <- names(dt)
n <- nrow(dt)

col <- function(name, na) if (name %in% input_cols) dt[[name]] else rep(na, n)
mu <- function(x) round(x * 1e6)  # exact decimal in micro-units (integer-valued double)
U <- 1e6

category <- col("ilar_category", NA_character_)
phga <- mu(col("physician_global", NA_real_)); pga <- mu(col("parent_global", NA_real_))
chaq <- mu(col("chaq_di", NA_real_)); limited <- mu(col("limited_joints", NA_real_))
esr <- mu(col("esr", NA_real_)); crp <- mu(col("crp", NA_real_))
stiffness <- mu(col("morning_stiffness_min", NA_real_))

# ---- joint counts: from active_joint_codes when present, else active_joints -------------
joints <- fread(joints_csv, colClasses = c(code = "character", in_jadas27 = "integer"))
codes27 <- joints[in_jadas27 == 1L, code]
codes <- col("active_joint_codes", NA_character_)
has_codes <- !is.na(codes)
parts <- strsplit(codes[has_codes], ";", fixed = TRUE)
owner <- rep.int(seq_along(parts), lengths(parts))
ajc <- mu(col("active_joints", NA_real_))
ajc[has_codes] <- lengths(parts) * U
ajc27 <- fifelse(ajc == 0, 0, NA_real_)  # without codes, only AJC = 0 gives the 27-joint count
ajc27[has_codes] <- tabulate(owner[unlist(parts, use.names = FALSE) %chin% codes27],
                             nbins = length(parts)) * U

# ---- JADAS (Consolaro 2009, Nordal 2012), summed in micro-units --------------------------
esr_n <- (pmin(pmax(esr, 20 * U), 120 * U) - 20 * U) / 10
crp_n <- (pmin(pmax(crp, 10 * U), 110 * U) - 10 * U) / 10
ajc10 <- pmin(ajc, 10 * U)
dt[, `:=`(
  jadas10 = (phga + pga + ajc10 + esr_n) / U,
  jadas27 = (phga + pga + ajc27 + esr_n) / U,
  jadas71 = (phga + pga + ajc + esr_n) / U,
  cjadas10 = (phga + pga + ajc10) / U,
  jadas10_crp = (phga + pga + ajc10 + crp_n) / U
)]

# ---- disease-activity bands (Consolaro 2012/2014) ----------------------------------------
# oligoarticular_persistent: oligoarticular cut-offs; any other category: polyarticular ones,
# systemic only without systemic features (systemic_features false); no category: no band.
j10 <- phga + pga + ajc10 + esr_n
bands <- c("inactive", "low", "moderate", "high")
band <- function(cutoffs) bands[findInterval(j10, mu(cutoffs), left.open = TRUE) + 1L]  # (a, b]
dt[, jadas10_band := fifelse(category == "oligoarticular_persistent",
                             band(c(1, 2, 4.2)), band(c(1, 3.8, 10.5)))]
no_systemic_features <- if ("systemic_features" %in% names(dt)) dt$systemic_features %in% FALSE else FALSE
dt[category == "systemic" & !no_systemic_features, jadas10_band := NA_character_]

# ---- baseline: baseline_visit_id, else the subject's earliest visit ----------------------
first <- data.table(subject_id = dt$subject_id, visit_id = dt$visit_id,
                    visit_date = dt$visit_date)
setorder(first, subject_id, visit_date)  # stable: ties keep file order
first <- first[!duplicated(subject_id)]
baseline_id <- col("baseline_visit_id", NA_character_)
baseline_id <- fifelse(is.na(baseline_id),
                       first$visit_id[chmatch(dt$subject_id, first$subject_id)], baseline_id)
bi <- chmatch(baseline_id, dt$visit_id)
is_baseline_row <- bi == seq_len(n)

# ---- six core-set variables at follow-up (f) and baseline (b) ----------------------------
core <- list(phga = phga, pga = pga, chaq = chaq, ajc = ajc, limited = limited, esr = esr)
acr_levels <- c(30, 50, 70, 90, 100)
acr_improved <- lapply(acr_levels, function(level) integer(n))
n_missing <- acr_worse <- flare_worse <- flare_better <- integer(n)
for (v in names(core)) {
  f <- core[[v]]; b <- f[bi]
  na <- is.na(f) | is.na(b)
  f100 <- 100 * f
  n_missing <- n_missing + na
  # JIA-ACR (Giannini 1997): improved at L: b > 0 and 100 f <= (100 - L) b; worsened: 100 f > 130 b
  worse <- !na & f100 > 130 * b
  acr_worse <- acr_worse + worse
  can_improve <- !na & b > 0
  for (i in seq_along(acr_levels)) {
    acr_improved[[i]] <- acr_improved[[i]] + (can_improve & f100 <= (100 - acr_levels[[i]]) * b)
  }
  # flare (PRCSG/PRINTO): worsened by > 30% and, for globals and joint counts, by >= 2 units
  if (v != "chaq" && v != "esr") worse <- worse & f - b >= 2 * U
  flare_worse <- flare_worse + worse
  flare_better <- flare_better + (!na & f100 < 70 * b)
}
observed_ok <- 6L - n_missing >= 4L
# three-valued verdict of "n_for >= 3 and n_against <= 1" with n_missing unknown variables
verdict <- function(n_for, n_against) {
  fcase(!observed_ok, NA,
        n_for >= 3L & n_against + n_missing <= 1L, TRUE,
        n_for + n_missing < 3L | n_against >= 2L, FALSE,
        default = NA)
}
acr_met <- lapply(acr_improved, verdict, n_against = acr_worse)
# highest level met whose next level is decided as not met; 0 when ACR 30 is not met
acr <- fifelse(acr_met[[1L]] %in% FALSE, 0L, NA_integer_)
for (i in seq_along(acr_levels)) {
  pinned <- if (i == length(acr_levels)) TRUE else acr_met[[i + 1L]] %in% FALSE
  acr[acr_met[[i]] %in% TRUE & pinned] <- as.integer(acr_levels[[i]])
}
acr[is.na(bi) | is_baseline_row] <- NA_integer_
flare <- verdict(flare_worse, flare_better)
flare[is.na(bi) | is_baseline_row] <- NA

# ---- inactive disease (Wallace 2011): FALSE if any recorded item fails, NA if one missing --
systemic <- col("systemic_features", NA)
systemic[is.na(systemic) & !is.na(category) & category != "systemic"] <- FALSE
acute_ok <- fcase(esr > 20 * U | crp > 10 * U, FALSE,
                  is.na(esr) & is.na(crp), NA,
                  default = TRUE)
inactive <- ajc == 0 & !systemic & !col("active_uveitis", NA) & acute_ok & phga == 0 &
  stiffness <= 15 * U  # R's & is three-valued: FALSE & NA is FALSE, TRUE & NA is NA

# ---- MAS (Ravelli 2016): febrile systemic JIA, ferritin > 684 and >= 2 of 4 labs -----------
lab_hits <- cbind(mu(col("platelets", NA_real_)) <= 181 * U, mu(col("ast", NA_real_)) > 48 * U,
                  mu(col("triglycerides", NA_real_)) > 156 * U,
                  mu(col("fibrinogen", NA_real_)) <= 360 * U)
hits <- rowSums(lab_hits, na.rm = TRUE)
labs_ok <- fcase(hits >= 2L, TRUE, hits + rowSums(is.na(lab_hits)) < 2L, FALSE, default = NA)
mas <- col("fever", NA) & mu(col("ferritin", NA_real_)) > 684 * U & labs_ok
mas[is.na(category) | category != "systemic"] <- NA

# ---- MS score (Minoia 2019 Table 4): systemic JIA with all seven inputs ------------------
# Coefficients in 10^-4 times values in micro-units: an integer sum in 10^-10, rounded once to
# micro-units, halves towards +infinity (as the CLI). NA when any input is missing.
ms_sum <- 24400 * col("cns_involvement", NA) * U + 15400 * col("haemorrhagic_manifestations", NA) * U -
  13000 * (ajc > 0) * U - 30 * mu(col("platelets", NA_real_)) + 10 * mu(col("ldh", NA_real_)) -
  40 * mu(col("fibrinogen", NA_real_)) + mu(col("ferritin", NA_real_))
ms <- floor(ms_sum / 1e4 + 0.5) / U
ms[is.na(category) | category != "systemic"] <- NA

# ---- write -------------------------------------------------------------------------------
tf <- function(x) c("false", "true")[x + 1L]
for (v in intersect(logical_cols, input_cols)) set(dt, j = v, value = tf(dt[[v]]))
dt[, `:=`(acr_pedi = acr, flare = tf(flare), inactive_disease = tf(inactive),
          mas_2016 = tf(mas), ms_score = ms)]
fwrite(dt, args[[2L]], na = "")
