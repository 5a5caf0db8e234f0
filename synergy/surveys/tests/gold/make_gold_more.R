# Gold values for the estimators beyond means and totals: finite population corrections (one
# and two stages), ratios, replicate-weight designs, quantiles and logistic regression, computed
# with R's `survey` package.
#
#   Rscript make_gold_more.R [DIR]        read survey_data.csv (beside this script), write
#                                         survey_replicates.csv and gold_more.csv into DIR
#   Rscript make_gold_more.R --api DIR    write R's own `api` data (apistrat, apiclus1,
#                                         apiclus2, with apiclus1's JK1 weights) and
#                                         gold_api.csv into DIR (the test runs this into a
#                                         temporary folder: the data are the survey package's)
#
# Columns derived from survey_data.csv here are derived the same way by the Python test:
#   N1  = 4 * (PSUs of the stratum2) + 1          (first-stage population size)
#   ssu = position (from 1) of the row within its design PSU (stratum2, psu), in file order,
#         integer-divided by 4, plus 1
#   N2  = 3 * (SSUs of the design PSU)             (second-stage population size)
suppressPackageStartupMessages(library(survey))

args <- commandArgs(trailingOnly = TRUE)
file_arg <- grep("^--file=", commandArgs(FALSE), value = TRUE)
here <- if (length(file_arg)) dirname(normalizePath(sub("^--file=", "", file_arg[1]))) else "."
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
ctl <- glm.control(epsilon = 1e-14, maxit = 100)

out <- list()
emit <- function(case, domain, stat, est, se, low, high, df) {
  out[[length(out) + 1]] <<- data.frame(
    case = case, domain = domain, stat = stat, estimate = fmt(est), se = fmt(se),
    ci_low = fmt(low), ci_high = fmt(high), df = fmt(df), stringsAsFactors = FALSE)
}
emit_stat <- function(case, domain, stat, s, df, level = 0.95) {
  ci <- confint(s, level = level, df = df)
  emit(case, domain, stat, coef(s)[1], SE(s)[1], ci[1, 1], ci[1, 2], df)
}
emit_ratio <- function(case, domain, r, df) {
  est <- as.numeric(coef(r)); se <- as.numeric(SE(r))
  q <- qt(0.975, df)
  emit(case, domain, "ratio", est, se, est - q * se, est + q * se, df)
}
emit_quantiles <- function(case, domain, des, probs) {
  q <- svyquantile(~hours, des, quantiles = probs)$hours
  for (i in seq_along(probs)) {
    emit(case, domain, paste0("q", probs[i]), q[i, 1], q[i, 4], q[i, 2], q[i, 3], degf(des))
  }
}
emit_glm <- function(case, domain, fit) {
  ci <- confint(fit)
  cf <- coef(fit); se <- sqrt(diag(vcov(fit)))
  for (term in names(cf)) {
    emit(case, domain, paste0("glm:", term), cf[[term]], se[[term]], ci[term, 1], ci[term, 2],
         fit$df.residual)
  }
}

if (length(args) && args[1] == "--api") {
  outdir <- args[2]
  data(api)
  write.csv(apistrat, file.path(outdir, "apistrat.csv"), row.names = FALSE, na = "")
  write.csv(apiclus2, file.path(outdir, "apiclus2.csv"), row.names = FALSE, na = "")
  options(survey.lonely.psu = "fail")
  dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
  emit_stat("api_strat", "", "mean", svymean(~api00, dstrat), degf(dstrat))
  emit_stat("api_strat", "", "total", svytotal(~enroll, dstrat), degf(dstrat))
  emit_ratio("api_strat", "", svyratio(~api00, ~api99, dstrat), degf(dstrat))
  q <- svyquantile(~api00, dstrat, quantiles = c(0.25, 0.5))$api00
  for (i in 1:2) emit("api_strat", "", paste0("q", c(0.25, 0.5)[i]), q[i, 1], q[i, 4], q[i, 2],
                      q[i, 3], degf(dstrat))
  fit <- svyglm(I(sch.wide == "Yes") ~ ell + meals + mobility, design = dstrat,
                family = quasibinomial(), control = ctl)
  emit_glm("api_strat", "", fit)
  for (s in c("E", "H", "M")) {
    sub <- subset(dstrat, stype == s)
    emit_stat("api_strat", paste0("stype=", s), "mean", svymean(~api00, sub), degf(sub))
  }
  dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
  emit_stat("api_clus2", "", "mean", svymean(~api00, dclus2), degf(dclus2))
  emit_stat("api_clus2", "", "total", svytotal(~api00, dclus2), degf(dclus2))
  emit_ratio("api_clus2", "", svyratio(~api00, ~api99, dclus2), degf(dclus2))
  for (s in c("E", "H", "M")) {
    sub <- subset(dclus2, stype == s)
    emit_stat("api_clus2", paste0("stype=", s), "mean", svymean(~api00, sub), degf(sub))
  }
  data(api)
  dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
  rclus1 <- as.svrepdesign(dclus1, type = "JK1", compress = FALSE)
  reps <- matrix(as.numeric(as.matrix(weights(rclus1, "analysis"))), nrow = nrow(apiclus1))
  colnames(reps) <- paste0("rep_", seq_len(ncol(reps)))
  write.csv(cbind(apiclus1, reps), file.path(outdir, "apiclus1.csv"), row.names = FALSE,
            na = "")
  writeLines(fmt(rclus1$scale), file.path(outdir, "apiclus1_scale.txt"))
  writeLines(fmt(rclus1$rscales), file.path(outdir, "apiclus1_rscales.txt"))
  emit_stat("api_jk1", "", "mean", svymean(~api00, rclus1), degf(rclus1))
  for (s in c("E", "H", "M")) {
    sub <- subset(rclus1, stype == s)
    emit_stat("api_jk1", paste0("stype=", s), "mean", svymean(~api00, sub), degf(rclus1))
  }
  write.csv(do.call(rbind, out), file.path(outdir, "gold_api.csv"), row.names = FALSE)
  quit(save = "no")
}

outdir <- if (length(args)) args[1] else here
d <- read.csv(file.path(here, "survey_data.csv"), stringsAsFactors = FALSE)
d$N1 <- 4 * ave(d$psu, d$stratum2, FUN = function(v) length(unique(v))) + 1
design_psu <- paste(d$stratum2, d$psu)
d$ssu <- ave(seq_len(nrow(d)), design_psu, FUN = seq_along) %/% 4 + 1
d$N2 <- 3 * ave(d$ssu, design_psu, FUN = function(v) length(unique(v)))
d$N1frac <- ave(d$psu, d$stratum2, FUN = function(v) length(unique(v))) / d$N1
d$adult <- as.integer(d$age >= 5)

# Replicate weights, written beside the data so that Python reads the very same ones.
set.seed(87)
strat2 <- svydesign(ids = ~psu, strata = ~stratum2, weights = ~w, data = d, nest = TRUE)
jkn <- as.svrepdesign(strat2, type = "JKn", compress = FALSE)
boot <- as.svrepdesign(strat2, type = "bootstrap", replicates = 40, compress = FALSE)
psus <- unique(d$psu_uid)
half <- sapply(1:16, function(r) { m <- sample(c(0, 2), length(psus), TRUE); m[match(d$psu_uid, psus)] })
reps <- cbind(
  weights(jkn, "analysis"), weights(boot, "analysis"), d$w * half, d$w * (0.5 + half / 2))
colnames(reps) <- c(paste0("jkn_", 1:ncol(weights(jkn, "analysis"))), paste0("boot_", 1:40),
                    paste0("brr_", 1:16), paste0("fay_", 1:16))
write.csv(data.frame(reps), file.path(outdir, "survey_replicates.csv"), row.names = FALSE)
writeLines(fmt(jkn$rscales), file.path(outdir, "survey_replicates_jkn_rscales.txt"))

options(survey.lonely.psu = "fail", survey.adjust.domain.lonely = FALSE)
fpc1 <- svydesign(ids = ~psu, strata = ~stratum2, weights = ~w, data = d, nest = TRUE, fpc = ~N1)
fpc1f <- svydesign(ids = ~psu, strata = ~stratum2, weights = ~w, data = d, nest = TRUE,
                   fpc = ~N1frac)
designs <- list(strat2 = strat2, fpc1 = fpc1, fpc1frac = fpc1f)
for (name in names(designs)) {
  des <- designs[[name]]
  emit_stat(name, "", "mean", svymean(~y, des), degf(des))
  emit_stat(name, "", "total", svytotal(~y, des), degf(des))
  for (r in sort(unique(d$region))) {
    sub <- subset(des, region == r)
    emit_stat(name, paste0("region=", r), "mean", svymean(~y, sub), degf(sub))
  }
  adults <- subset(des, age >= 5)
  emit_ratio(name, "", svyratio(~hours, ~age, adults), degf(adults))
  for (s in c("F", "M")) {
    sub <- subset(des, age >= 5 & sex == s)
    emit_ratio(name, paste0("sex=", s), svyratio(~hours, ~age, sub), degf(sub))
    emit_quantiles(name, paste0("sex=", s), sub, c(0.5))
  }
  emit_quantiles(name, "", adults, c(0.1, 0.25, 0.5, 0.75, 0.9))
  fit <- svyglm(y ~ age + sex + region, design = adults, family = quasibinomial(),
                control = ctl)
  emit_glm(name, "", fit)
  north <- subset(des, age >= 5 & region == "North")
  emit_glm(name, "region=North", svyglm(y ~ age + sex, design = north,
                                         family = quasibinomial(), control = ctl))
}
for (lonely in c("remove", "adjust")) {
  options(survey.lonely.psu = lonely)
  name <- paste0("twostage_", lonely)
  des <- svydesign(ids = ~psu + ssu, strata = ~stratum2, weights = ~w, data = d, nest = TRUE,
                   fpc = ~N1 + N2)
  emit_stat(name, "", "mean", svymean(~y, des), degf(des))
  emit_stat(name, "", "total", svytotal(~y, des), degf(des))
  for (r in sort(unique(d$region))) {
    sub <- subset(des, region == r)
    emit_stat(name, paste0("region=", r), "mean", svymean(~y, sub), degf(sub))
  }
  adults <- subset(des, age >= 5)
  emit_ratio(name, "", svyratio(~hours, ~age, adults), degf(adults))
}
options(survey.lonely.psu = "fail")
rep_designs <- list(
  jkn = svrepdesign(data = cbind(d, reps), repweights = "jkn_", type = "JKn", weights = ~w,
                    combined.weights = TRUE, rscales = jkn$rscales),
  boot = svrepdesign(data = cbind(d, reps), repweights = "boot_", type = "bootstrap",
                     weights = ~w, combined.weights = TRUE),
  brr = svrepdesign(data = cbind(d, reps), repweights = "brr_", type = "BRR", weights = ~w,
                    combined.weights = TRUE),
  fay = svrepdesign(data = cbind(d, reps), repweights = "fay_", type = "Fay", rho = 0.5,
                    weights = ~w, combined.weights = TRUE),
  fay_mse = svrepdesign(data = cbind(d, reps), repweights = "fay_", type = "Fay", rho = 0.5,
                        weights = ~w, combined.weights = TRUE, mse = TRUE)
)
for (name in names(rep_designs)) {
  des <- rep_designs[[name]]
  df <- degf(des)
  emit_stat(paste0("rep_", name), "", "mean", svymean(~y, des), df)
  emit_stat(paste0("rep_", name), "", "total", svytotal(~y, des), df)
  for (r in sort(unique(d$region))) {
    emit_stat(paste0("rep_", name), paste0("region=", r), "mean",
              svymean(~y, subset(des, region == r)), df)
  }
  adults <- subset(des, age >= 5)
  emit_ratio(paste0("rep_", name), "", svyratio(~hours, ~age, adults), df)
}
write.csv(do.call(rbind, out), file.path(outdir, "gold_more.csv"), row.names = FALSE)
