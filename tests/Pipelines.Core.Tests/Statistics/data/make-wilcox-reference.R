# Reference values for the Mann-Whitney judge: R's wilcox.test(x, y, conf.int = TRUE, conf.level = 0.98).
# Run: Rscript make-wilcox-reference.R > wilcox-reference.csv   (R 4.2.2 from Debian's r-base-core made the file.)
set.seed(20100501)
fmt <- function(v) paste(format(v, digits = 17, scientific = FALSE, trim = TRUE), collapse = ";")
cases <- list(
  list("exact small, no ties", c(1.1, 2.2, 3.3, 4.4, 5.5), c(2, 3, 4, 5, 6, 7)),
  list("exact, shifted", rnorm(12, 10, 2), rnorm(15, 12, 2)),
  list("exact, one each side", c(3.5), c(1.25)),
  list("exact, latency-like", rlnorm(30, 4, 0.5), rlnorm(30, 4.1, 0.5)),
  list("exact, 49 each", rnorm(49), rnorm(49, 0.3)),
  list("normal, 50 each", rnorm(50), rnorm(50, 0.2)),
  list("normal, 60 and 80", rexp(60, 1), rexp(80, 0.8)),
  list("normal, heavy tail", rlnorm(120, 3, 1.2), rlnorm(90, 3.2, 1.2)),
  list("ties, small", c(1, 2, 2, 3, 3, 3, 4), c(2, 3, 3, 4, 4, 5)),
  list("ties, rounded latencies", round(rnorm(40, 100, 15)), round(rnorm(40, 108, 15))),
  list("ties, mostly zeros", c(rep(0, 25), 1, 2, 0, 3, 0), c(rep(0, 20), 1, 1, 2, 3, 5, 0, 0, 4, 1, 2)),
  list("ties, integers 0..3", sample(0:3, 30, TRUE), sample(0:3, 30, TRUE)),
  list("identical samples", c(5.1, 6.2, 7.3, 8.4), c(5.1, 6.2, 7.3, 8.4)),
  list("far apart", rnorm(20, 0), rnorm(20, 100)),
  list("negative values", -rexp(25), -rexp(25, 2)),
  list("normal, ties and large", round(rnorm(200, 50, 10)), round(rnorm(150, 52, 10)))
)
cat("name,x,y,statistic,p_value,conf_low,conf_high,estimate,exact\n")
for (case in cases) {
  x <- case[[2]]; y <- case[[3]]
  r <- suppressWarnings(wilcox.test(x, y, conf.int = TRUE, conf.level = 0.98))
  exact <- grepl("exact", r$method)
  cat(sprintf("\"%s\",%s,%s,%s,%s,%s,%s,%s,%s\n", case[[1]], fmt(x), fmt(y),
      fmt(unname(r$statistic)), fmt(r$p.value), fmt(r$conf.int[1]), fmt(r$conf.int[2]), fmt(unname(r$estimate)), exact))
}
