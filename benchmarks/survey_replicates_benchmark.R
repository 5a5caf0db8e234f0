# R half of benchmarks/survey_replicates_benchmark.py:
#   Rscript survey_replicates_benchmark.R children.csv results.json
# Times svrepdesign() + svyby(svymean) over the replicate weights (not the CSV reading) and
# writes the per-domain estimates and SEs for comparison with Python.
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- if (requireNamespace("data.table", quietly = TRUE)) {
  as.data.frame(data.table::fread(args[1]))
} else {
  read.csv(args[1])
}
t0 <- proc.time()[["elapsed"]]
des <- svrepdesign(data = d, repweights = "^rep_", type = "bootstrap", weights = ~weight,
                   combined.weights = TRUE)
res <- svyby(~child_labour, ~sex + agegroup + region, des, svymean)
seconds <- proc.time()[["elapsed"]] - t0
num <- function(x) sprintf("%.17g", x)
rows <- vapply(seq_len(nrow(res)), function(i) {
  sprintf('{"sex": "%s", "agegroup": "%s", "region": "%s", "estimate": %s, "se": %s}',
          res$sex[i], res$agegroup[i], res$region[i], num(coef(res)[i]), num(SE(res)[i]))
}, "")
writeLines(c(sprintf('{"seconds": %s, "degf": %s, "results": [', num(seconds), num(degf(des))),
             paste(rows, collapse = ",\n"), "]}"), args[2])
