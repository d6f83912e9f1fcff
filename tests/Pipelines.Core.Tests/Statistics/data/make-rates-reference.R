# Reference values for the ratio and count judges: R's prop.test (two samples, continuity correction) and
# poisson.test (two samples: exact conditional test), both at conf.level = 0.98.
# Run: Rscript make-rates-reference.R > rates-reference.csv   (R 4.2.2 from Debian's r-base-core made the file.)
fmt <- function(v) format(v, digits = 17, scientific = FALSE, trim = TRUE)
cat("test,x1,n1,x2,n2,estimate,conf_low,conf_high,p_value\n")
props <- list(c(12, 1000, 10, 1000), c(40, 1000, 20, 1000), c(0, 500, 3, 500), c(5, 20000, 6, 21000),
              c(300, 10000, 250, 9000), c(1, 10, 9, 10), c(0, 100, 0, 100))
for (p in props) {
  r <- suppressWarnings(prop.test(c(p[1], p[3]), c(p[2], p[4]), conf.level = 0.98))
  est <- unname(r$estimate[1] - r$estimate[2])
  cat(sprintf("prop,%s,%s,%s,%s,%s,%s,%s,%s\n", p[1], p[2], p[3], p[4], fmt(est), fmt(r$conf.int[1]), fmt(r$conf.int[2]), fmt(r$p.value)))
}
rates <- list(c(12, 600, 10, 600), c(30, 600, 12, 600), c(0, 600, 4, 600), c(150, 3600, 170, 3600),
              c(3, 60, 9, 120), c(1000, 1000, 1100, 1000), c(0, 600, 0, 600))
for (p in rates) {
  if (p[1] + p[3] == 0) { next }
  r <- poisson.test(c(p[1], p[3]), c(p[2], p[4]), conf.level = 0.98)
  cat(sprintf("poisson,%s,%s,%s,%s,%s,%s,%s,%s\n", p[1], p[2], p[3], p[4], fmt(unname(r$estimate)), fmt(r$conf.int[1]), fmt(r$conf.int[2]), fmt(r$p.value)))
}
