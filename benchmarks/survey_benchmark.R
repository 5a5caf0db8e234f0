# R half of benchmarks/survey_benchmark.py:
#   Rscript survey_benchmark.R children.csv results.json
# Times only svydesign() + svyby(svymean, deff = TRUE) (not the CSV reading) and writes the
# per-domain estimates, SEs and deffs for comparison with Python.
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
t0 <- proc.time()[["elapsed"]]
d <- if (requireNamespace("data.table", quietly = TRUE)) {
  as.data.frame(data.table::fread(args[1]))
} else {
  read.csv(args[1])
}
read_seconds <- proc.time()[["elapsed"]] - t0
options(survey.lonely.psu = "fail")
t0 <- proc.time()[["elapsed"]]
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
res <- svyby(~child_labour, ~sex + agegroup + region, des, svymean, deff = TRUE)
seconds <- proc.time()[["elapsed"]] - t0
num <- function(x) sprintf("%.17g", x)
rows <- vapply(seq_len(nrow(res)), function(i) {
  sprintf('{"sex": "%s", "agegroup": "%s", "region": "%s", "estimate": %s, "se": %s, "deff": %s}',
          res$sex[i], res$agegroup[i], res$region[i], num(coef(res)[i]), num(SE(res)[i]),
          num(deff(res)[i]))
}, "")
writeLines(c(sprintf('{"read_seconds": %s, "seconds": %s, "results": [', num(read_seconds),
                     num(seconds)), paste(rows, collapse = ",\n"), "]}"), args[2])
