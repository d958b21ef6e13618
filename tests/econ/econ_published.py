"""Published numbers the econ tests compare against, each with where it comes from.

Nothing here is computed by this project: every figure is copied from the source named beside it.

* ``STATA_LOG_*`` — the Stata logs of the published do-files: Yotov, Piermartini, Monteiro &
  Larch (2016), *An Advanced Guide to Trade Policy Analysis*, application files
  ``Chapter2/Applications/1_TradeWithoutBorder/Results/TradeWithoutBorder.log`` and
  ``2_RTAsEffects/Results/RTAsEffects.log`` (as distributed with the R package ``tradepolicy``,
  github.com/pachadotdev/tradepolicy, folder ``00-application-files``), and the log of Anderson,
  Larch & Yotov's (2018) ``geppml.do`` (``GEPPML_stata/geppml.log`` in github.com/jamiubadmusng/GEPPML-R).
  The loop statistics are Stata's ``summarize`` of the change in factory-gate price changes
  between iterations (mean, sd, min, max over the observations).
* ``NAFTA_TABLE`` — Yotov et al. (2016), table on p. 116 (effects of NAFTA on its members and
  the rest of the world), as reproduced in full (69 countries, 2 decimals) by the ``tradepolicy``
  companion book (M. Vargas Sepúlveda), ``_freeze/02-general-equilibrium/execute-results/html.json``;
  its price column is ``(1 − p)·100`` with ``p`` the counterfactual/baseline factory-gate price ratio.
* ``TWB_R`` — the ``tradepolicy`` companion book's replication of ch. 2 app. 1 (trade without
  borders), which iterates the same loop to a tolerance of 1e-5 (same file as above).
* ``ALY_RGDP`` — real-GDP % changes (full endowment) of the Stata run of ``geppml.do`` reported
  in github.com/jamiubadmusng/GEPPML-R, ``VALIDATION.md`` (column "rGDP_full_ch (Stata)").
"""

STATA_LOG_TWB = {  # TradeWithoutBorder.log
    "coefficients": {"ln_DIST": -0.7912879, "CNTG": 0.6736456, "INTL_BRDR": -2.47445},
    "se": {"ln_DIST": 0.0501494, "CNTG": 0.1073719, "INTL_BRDR": 0.1193816},
    "nobs": 4761,
    "iterations": [  # mean, sd, min, max
        (1.305293, 0.0796225, 0.9666225, 1.468882),
        (-0.3126514, 0.0902139, -0.4959582, 0.0765771),
        (0.0074778, 0.0139545, -0.0659928, 0.0318213),
        (0.0009588, 0.0067648, -0.005722, 0.0355494),
        (-0.0022108, 0.0044307, -0.0200164, 0.0032467),
    ],
}

STATA_LOG_NAFTA = {  # RTAsEffects.log (ch. 2)
    "RTA": 0.5571853, "RTA_se": 0.055771, "nobs": 28482, "excluded": 84,
    # pair fixed effects (domestic pairs share one, normalised to 0): PAIR_FE1..4 = pair_id 1..4
    "pair_effects": {("ARG", "AUS"): -7.5535, ("ARG", "AUT"): -7.436111, ("ARG", "BGR"): -7.88218,
                     ("ARG", "BEL"): -6.64445},
    # stage 2 (1994, international pairs): ppml of exp(pair effect) on gravity variables
    "stage2": {"ln_DIST": -0.8475027, "CNTG": 0.2940831, "LANG": 0.3632659, "CLNY": 0.2394163}, "stage2_nobs": 4678,
    # 1994 exporter fixed effects, baseline (offset ln t_bln) and conditional (offset ln t_cfl);
    # EXPORTER_FE8 = CAN, FE67 = USA, FE69 = ZZZ (Germany, recoded last as the reference)
    "exporter_fe_baseline": {"ARG": 12.08384, "AUS": 12.1788, "AUT": 12.13705, "BEL": 13.21567, "CAN": 12.66269,
                             "USA": 14.04105, "DEU": 13.59538},
    "exporter_fe_conditional": {"ARG": 12.08367, "AUS": 12.17925, "AUT": 12.13657, "BEL": 13.2153, "CAN": 12.79277,
                                "USA": 14.05231, "DEU": 13.59471},
    "importer_fe_baseline": {"ARG": -0.6991487, "AUS": -0.6193327, "AUT": -1.238919},
    "iterations": [
        (0.9994758, 0.0031412, 0.978553, 1.000545),
        (0.0006048, 0.0036707, -0.0006441, 0.025059),
        (-0.0001521, 0.000977, -0.0066189, 0.0001341),
    ],
}

STATA_LOG_ALY = {  # geppml.log
    "coefficients": {"LN_DIST": -0.9484553, "CNTG": 0.4782565, "BRDR": -1.554552},
    "se": {"LN_DIST": 0.0523703, "CNTG": 0.1022586, "BRDR": 0.1218868},
    "nobs": 1681,
    "first_iteration": (1.185998, 0.0392267, 1.054796, 1.253911),
    "last_iteration": 13,
    "last_sd": 0.0008954,
}

ALY_RGDP = {"ARG": 26.554, "AUS": 19.006, "BRA": 15.888, "CAN": 39.454, "CHN": 12.581, "FRA": 21.117, "JPN": 5.647,
            "USA": 4.810, "DEU": 14.878}

_NAFTA_COUNTRIES = (
    "ARG AUS AUT BEL BGR BOL BRA CAN CHE CHL CHN CMR COL CRI CYP DEU DNK ECU EGY ESP FIN FRA GBR GRC HKG HUN IDN IND "
    "IRL IRN ISL ISR ITA JOR JPN KEN KOR KWT LKA MAC MAR MEX MLT MMR MUS MWI MYS NER NGA NLD NOR NPL PAN PHL POL PRT "
    "QAT ROM SEN SGP SWE THA TTO TUN TUR TZA URY USA ZAF"
).split()
_NAFTA_COLUMNS = {
    "conditional_exports_change_pct": [
        -0.66, -0.49, -0.07, -0.09, -0.05, -0.46, -0.65, 35, -0.14, -0.81, -0.34, -0.13, -1.8, -1.03, -0.09, -0.14, -0.06,
        -0.93, -0.31, -0.13, -0.09, -0.13, -0.23, -0.08, -0.2, -0.04, -0.19, -0.3, -0.1, -0.13, -0.23, -0.38, -0.12,
        -0.28, -0.35, -0.22, -0.41, -0.23, -0.3, -0.21, -0.08, 41.65, -0.13, -0.13, -0.06, -0.18, -0.22, -0.11, -0.37,
        -0.07, -0.24, -0.22, -0.6, -0.29, -0.05, -0.06, -0.19, -0.08, -0.08, -0.15, -0.11, -0.25, -0.86, -0.04, -0.14,
        -0.16, -0.41, 14.49, -0.31],
    "exports_change_pct": [
        -0.68, -0.51, -0.1, -0.12, -0.07, -0.48, -0.69, 37.46, -0.17, -0.83, -0.38, -0.16, -1.73, -1.04, -0.11, -0.17,
        -0.09, -0.89, -0.33, -0.15, -0.11, -0.15, -0.25, -0.11, -0.23, -0.07, -0.24, -0.33, -0.13, -0.16, -0.25, -0.41,
        -0.15, -0.3, -0.42, -0.24, -0.45, -0.26, -0.33, -0.24, -0.1, 43.52, -0.15, -0.18, -0.09, -0.19, -0.26, -0.36,
        -0.39, -0.09, -0.25, -0.24, -0.62, -0.33, -0.07, -0.08, -0.22, -0.1, -0.1, -0.19, -0.13, -0.29, -0.88, -0.07,
        -0.16, -0.17, -0.43, 14.89, -0.34],
    "real_gdp_change_pct": [
        -0.01, -0.01, -0.01, -0, -0, -0.02, -0.01, 3.4, -0.01, -0.03, -0.01, -0.01, -0.03, -0.07, -0, -0.01, -0.01, -0.02,
        -0.01, -0.01, -0.01, -0.01, -0.01, -0, -0.02, -0, -0.01, -0.01, -0.03, -0, -0.01, -0.02, -0.01, -0, -0.01, -0,
        -0.02, -0.01, -0.01, -0.05, -0, 3.81, -0.02, -0, -0.01, -0.01, -0.03, -0.06, -0, -0.01, -0.01, -0.01, -0.02,
        -0.03, -0, -0, -0.01, -0, -0, -0.03, -0.01, -0.01, -0.08, -0, -0, -0.01, -0.02, 0.33, -0.01],
    "imr_change_pct": [
        0.01, 0.02, 0, 0, 0, 0.03, -0.01, -1.48, 0, 0.01, -0.01, 0.01, 0.09, 0.06, 0.01, 0, 0, 0.08, 0.02, 0, -0, 0, 0.01,
        0.01, 0.01, -0, -0, 0.01, 0.01, 0.01, 0.02, 0.02, 0, 0.02, -0.02, 0.02, -0.01, 0.01, 0.02, 0.02, 0, -2.4, 0.01,
        0.01, 0.01, 0.02, 0.01, 0.09, 0.03, 0, 0.02, 0.02, 0.03, 0.01, 0, 0, 0.01, 0, 0.01, 0.01, 0, -0, 0.02, 0, 0, 0.02,
        0.01, -0.18, 0.01],
    "omr_change_pct": [
        0, -0.01, 0.01, 0, 0, -0.01, 0.02, -2.14, 0.01, 0.03, 0.03, -0, -0.07, 0.01, -0.01, 0.01, 0.01, -0.06, -0.02,
        0.01, 0.01, 0.01, 0.01, -0, 0.01, 0.01, 0.01, 0, 0.02, -0.01, -0.01, 0, 0.01, -0.02, 0.03, -0.02, 0.03, 0, -0.01,
        0.03, -0, -1.52, 0.01, -0.01, 0, -0.01, 0.03, -0.04, -0.03, 0.01, -0, -0.01, -0, 0.02, 0, 0, 0.01, 0, -0.01,
        0.02, 0.01, 0.02, 0.07, -0, 0, -0.01, 0.01, -0.17, -0],
    "price_one_minus_p": [
        -0, 0.01, -0.01, -0, -0, 0.01, -0.02, 1.84, -0.01, -0.03, -0.02, 0, 0.06, -0.01, 0.01, -0.01, -0.01, 0.05, 0.01,
        -0.01, -0.01, -0, -0, 0, -0.01, -0, -0.01, -0, -0.02, 0.01, 0.01, -0, -0.01, 0.02, -0.03, 0.02, -0.02, -0, 0,
        -0.02, 0, 1.3, -0.01, 0.01, -0, 0.01, -0.02, 0.03, 0.02, -0.01, 0, 0.01, 0, -0.02, -0, -0, -0.01, -0, 0.01,
        -0.02, -0.01, -0.01, -0.06, 0, -0, 0.01, -0.01, 0.15, 0],
}
NAFTA_TABLE = {c: {k: v[i] for k, v in _NAFTA_COLUMNS.items()} for i, c in enumerate(_NAFTA_COUNTRIES)}

# tradepolicy's trade-without-borders replication (loop tolerance 1e-5): a subset of countries.
# imr: tradepolicy reports −(IMR change); here the sign is turned back to the IMR change itself.
TWB_R = {
    # country: conditional exports, full exports, IMR (P_j), factory-gate price, real GDP  (all % changes)
    "DEU": (133.3884682418705, 190.7961199741184, 0.0, 24.36149230232745, 24.36149230232745),
    "ARG": (65.524101609352, 118.1201521846502, -11.29846157134925, 32.1522097201747, 48.98525105793352),
    "AUS": (229.559083728267, 300.2246068434678, -5.639202961997491, 21.35733721260036, 28.60991113049349),
    "AUT": (59.21184249944773, 111.2237386580753, -10.81642446460507, 32.96110910863823, 49.08699086175234),
    "BEL": (156.910937614232, 218.8348667683164, -2.947876330834365, 23.98183797263713, 27.7476816429802),
    "CAN": (80.82451689658888, 138.0849272213038, -14.20700168929833, 32.36301968442486, 54.28184384589125),
    "CHN": (175.4962321443049, 238.2476333061526, 7.769821053834614, 23.23944656564143, 14.35432049579004),
    "JPN": (220.7975922528874, 293.4334706638789, 9.219866213996486, 22.73883035195554, 12.37775196636028),
    "USA": (359.9806164697441, 440.9551392931494, 0.3354171495028258, 10.97280489284234, 10.60182739609232),
    "ZAF": (164.1128737969941, 226.9031656114541, -4.686433941537382, 23.94197333779697, 30.03602578648092),
}
