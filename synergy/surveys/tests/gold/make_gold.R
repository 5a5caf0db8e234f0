# Gold values for synergy.surveys.estimation, computed with R's `survey` package.
#
#   Rscript make_gold.R --data [DIR]   regenerate survey_data.csv (fixed seed) into DIR
#   Rscript make_gold.R [DIR]          read survey_data.csv (beside this script) and write
#                                      gold_estimates.csv into DIR (default: beside this script)
#
# Every domain estimate is computed on subset(design, domain): the design is declared on all
# rows first, so PSUs without domain members still count in the stratum PSU counts.  svyby()
# is run as well and asserted equal to the per-domain subsets.
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else "."

make_data <- function(outdir) {
  set.seed(20260807)
  npsu <- c(S1 = 6, S2 = 4, S3 = 3, S4 = 5, S5 = 1)  # S5: a single PSU (lonely stratum)
  rows <- list()
  for (h in names(npsu)) {
    for (j in seq_len(npsu[[h]])) {
      m <- sample(3:40, 1)
      region <- sample(c("North", "South", "East"), 1, prob = c(0.4, 0.35, 0.25))
      base_w <- round(runif(1, 50, 400), 2)
      u <- rnorm(1, 0, 0.7)                      # PSU random effect
      age <- sample(3:17, m, replace = TRUE)
      sex <- sample(c("F", "M"), m, replace = TRUE)
      # disability only observed in a few PSUs: the domain is absent from most PSUs and
      # lonely (one PSU with members) inside S1 and S2
      rare_psu <- (h == "S1" && j == 1) || (h == "S2" && j == 2) ||
        (h == "S4" && j %in% c(1, 3)) || h == "S5"
      disab <- ifelse(rare_psu & runif(m) < 0.35, "yes", "no")
      lp <- -1.6 + 0.18 * (age - 10) + 0.4 * (sex == "M") + u + 0.5 * (region == "East")
      y <- rbinom(m, 1, plogis(lp))
      y[age < 5] <- 0L
      hours <- round(rgamma(m, shape = 2, scale = 6 + 4 * y), 1)
      hours[age < 5] <- NA                      # only asked from age 5
      w <- round(base_w * runif(m, 0.8, 1.25), 4)
      rows[[length(rows) + 1]] <- data.frame(
        stratum = h, psu = j, psu_uid = paste0(h, "-", j), region = region, sex = sex,
        age = age, disab = disab, y = y, hours = hours, w = w, stringsAsFactors = FALSE)
    }
  }
  d <- do.call(rbind, rows)
  # stratum2 collapses the lonely stratum S5 into S4 (no lonely design stratum)
  d$stratum2 <- ifelse(d$stratum == "S5", "S4", d$stratum)
  d$agegroup <- cut(d$age, c(-Inf, 4, 11, 14, 17), labels = c("00-04", "05-11", "12-14", "15-17"))
  d$agegroup <- as.character(d$agegroup)
  # a few zero weights inside the analysis population (R counts their PSUs but not their df)
  zero <- c(which(d$stratum == "S3" & d$age >= 5)[1], which(d$stratum == "S1" & d$age >= 5)[5])
  d$w[zero] <- 0
  d <- d[, c("stratum", "stratum2", "psu", "psu_uid", "region", "sex", "age", "agegroup",
             "disab", "y", "hours", "w")]
  write.csv(d, file.path(outdir, "survey_data.csv"), row.names = FALSE, na = "")
  invisible(d)
}

if (length(args) && args[1] == "--data") {
  make_data(if (length(args) > 1) args[2] else here)
  quit(save = "no")
}
outdir <- if (length(args)) args[1] else here
d <- read.csv(file.path(here, "survey_data.csv"), stringsAsFactors = FALSE)

configs <- list(
  list(name = "strat2_fail", strata = "stratum2", psu = "psu", lonely = "fail", adl = FALSE),
  list(name = "strat2_adjust_adl", strata = "stratum2", psu = "psu", lonely = "adjust", adl = TRUE),
  list(name = "strat2_average_adl", strata = "stratum2", psu = "psu", lonely = "average", adl = TRUE),
  list(name = "lonely_fail", strata = "stratum", psu = "psu", lonely = "fail", adl = FALSE),
  list(name = "nostrata", strata = NA, psu = "psu_uid", lonely = "fail", adl = FALSE),
  list(name = "nopsu", strata = "stratum2", psu = NA, lonely = "fail", adl = FALSE),
  list(name = "srs", strata = NA, psu = NA, lonely = "fail", adl = FALSE)
)
for (lonely in c("adjust", "average", "remove", "certainty")) {
  for (adl in c(FALSE, TRUE)) {
    configs[[length(configs) + 1]] <- list(
      name = paste0("lonely_", lonely, if (adl) "_adl" else ""), strata = "stratum", psu = "psu",
      lonely = lonely, adl = adl)
  }
}

make_design <- function(cfg) {
  ids <- if (is.na(cfg$psu)) ~1 else as.formula(paste0("~", cfg$psu))
  if (is.na(cfg$strata)) {
    svydesign(ids = ids, weights = ~w, data = d)
  } else {
    svydesign(ids = ids, strata = as.formula(paste0("~", cfg$strata)), weights = ~w, data = d,
              nest = TRUE)
  }
}

cases <- list()
add_case <- function(variable, statistic, by, subset, level = 0.95) {
  cases[[length(cases) + 1]] <<- list(variable = variable, statistic = statistic, by = by,
                                      subset = subset, level = level)
}
for (by in c("", "sex", "sex+agegroup", "region", "disab", "region+disab")) {
  for (statistic in c("mean", "total")) {
    add_case("y", statistic, by, "")
    add_case("y", statistic, by, "age>=5")
    add_case("hours", statistic, by, "age>=5")
  }
}
add_case("y", "mean", "sex+agegroup", "age>=5", level = 0.9)
add_case("y", "mean", "", "", level = 0.99)

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
out <- list()
close_enough <- function(a, b) isTRUE(all.equal(as.numeric(a), as.numeric(b), tolerance = 1e-10))

for (cfg in configs) {
  options(survey.lonely.psu = cfg$lonely, survey.adjust.domain.lonely = cfg$adl)
  des <- make_design(cfg)
  for (cs in cases) {
    base <- if (cs$subset == "") rep(TRUE, nrow(d)) else d$age >= 5
    byvars <- if (cs$by == "") character(0) else strsplit(cs$by, "+", fixed = TRUE)[[1]]
    if (length(byvars)) {
      combos <- unique(d[base, byvars, drop = FALSE])
    } else {
      combos <- data.frame(dummy = 1)[, FALSE, drop = FALSE][1, , drop = FALSE]
    }
    f <- as.formula(paste0("~", cs$variable))
    fun <- if (cs$statistic == "mean") svymean else svytotal
    binary <- cs$statistic == "mean" && cs$variable == "y"
    by_res <- NULL
    if (length(byvars)) {
      by_res <- tryCatch(
        suppressWarnings(svyby(f, as.formula(paste0("~", cs$by)), des[base, ], fun, deff = TRUE)),
        error = function(e) NULL)
    }
    for (k in seq_len(nrow(combos))) {
      idx <- base
      key <- character(0)
      for (v in byvars) {
        idx <- idx & d[[v]] == combos[k, v]
        key <- c(key, paste0(v, "=", combos[k, v]))
      }
      sub <- des[idx, ]
      row <- list(config = cfg$name, strata = ifelse(is.na(cfg$strata), "", cfg$strata),
                  psu = ifelse(is.na(cfg$psu), "", cfg$psu), lonely = cfg$lonely,
                  adjust_domain_lonely = cfg$adl, variable = cs$variable,
                  statistic = cs$statistic, by = cs$by, subset = cs$subset,
                  level = cs$level, domain = paste(key, collapse = "|"), n = sum(idx),
                  estimate = NA, se = NA, df = NA, deff = NA, wald_low = NA, wald_high = NA,
                  logit_low = NA, logit_high = NA, xlogit_low = NA, xlogit_high = NA,
                  beta_low = NA, beta_high = NA, error = "")
      res <- tryCatch(suppressWarnings(fun(f, sub, deff = TRUE)),
                      error = function(e) conditionMessage(e))
      if (is.character(res)) {
        row$error <- res
      } else {
        row$estimate <- coef(res)[[1]]
        row$se <- SE(res)[[1]]
        row$deff <- deff(res)[[1]]
        row$df <- degf(sub)
        ci <- suppressWarnings(confint(res, level = cs$level, df = degf(sub)))
        row$wald_low <- ci[1, 1]
        row$wald_high <- ci[1, 2]
        if (binary) {
          m <- suppressWarnings(svyciprop(~y, sub, method = "mean", level = cs$level))
          stopifnot(close_enough(attr(m, "ci"), ci[1, ]))
          for (meth in c("logit", "xlogit", "beta")) {
            r <- tryCatch(suppressWarnings(svyciprop(~y, sub, method = meth, level = cs$level)),
                          error = function(e) NULL)
            if (!is.null(r)) {
              row[[paste0(meth, "_low")]] <- attr(r, "ci")[[1]]
              row[[paste0(meth, "_high")]] <- attr(r, "ci")[[2]]
            }
          }
        }
        if (!is.null(by_res)) {
          # svyby gives the same estimates, SEs and deffs as the per-domain subsets
          sel <- rep(TRUE, nrow(by_res))
          for (v in byvars) sel <- sel & as.character(by_res[[v]]) == as.character(combos[k, v])
          stopifnot(sum(sel) == 1)
          stopifnot(close_enough(coef(by_res)[sel], row$estimate))
          stopifnot(close_enough(SE(by_res)[sel], row$se))
          stopifnot(close_enough(deff(by_res)[sel], row$deff))
        }
      }
      out[[length(out) + 1]] <- row
    }
  }
}

tab <- do.call(rbind, lapply(out, function(r) {
  num <- c("level", "estimate", "se", "deff", "wald_low", "wald_high", "logit_low",
           "logit_high", "xlogit_low", "xlogit_high", "beta_low", "beta_high")
  for (v in num) r[[v]] <- fmt(as.numeric(r[[v]]))
  r$df <- ifelse(is.na(r$df), "NA", as.character(r$df))
  as.data.frame(r, stringsAsFactors = FALSE)
}))
write.csv(tab, file.path(outdir, "gold_estimates.csv"), row.names = FALSE)
cat("wrote", nrow(tab), "gold rows to", file.path(outdir, "gold_estimates.csv"), "\n")
