import type { Algorithm } from "../base/algorithms.js";

/**
 * Known answers for the `node:crypto` fast path: one public key per key type and a signature per
 * algorithm over {@link KNOWN_MESSAGE}, made once with Node.js. Before the fast path takes an
 * algorithm, it must accept that signature and refuse it with one bit changed; a `node:crypto`
 * that answers otherwise (workerd's with `nodejs_compat` once refused valid ES256 and PS256) leaves
 * the algorithm to jose. Public values only: nothing here is secret.
 */
export const KNOWN_MESSAGE = "scopegate known-answer check";

/** Public JWKs (RFC 7517) of the known-answer keys. */
const RSA = {
  kty: "RSA",
  n: "qTyjXp-M1li_Ucyd8uNDUmHQGnPtxtSYraLvfAwiu-18En2iuIL0aZ2L6c6RVPHEk7NbTI1FQuFc78bVkUKpN_e64kjf4f5ojyStGR9ry_VvLbqLPe-UmfF1pAJ52q6Zd2BVZUNSTqsZI-gDfYrtYLbDj5FbYCCQzmudHu4ktizDIc77q7izJhjiJOD3DXrlqMQmToQ3j5juyoDZ-ltKeW6Xr3aDZcg-9HL0zh_OM-iJnDYroOY8xjuvYotycc1NdukuZNelGeBfglKdnpuPLA2vxjLgXRLletumHA-j_qgG4IqaYQbw8sbS7b-3fQ6UlnBlB9AQWJ_YxdwwODO0rw",
  e: "AQAB",
};
const P256 = {
  kty: "EC",
  x: "b_kYHdmorOgeEd__El6No8-sRxKh9nGnBWh8YJckOoc",
  y: "--hBLJ5COoVz58ovKub1l3XAzqnYCGMEwwP90gmWb2U",
  crv: "P-256",
};
const P384 = {
  kty: "EC",
  x: "0-yry6GfhERKBtepLFK_c9p7GiG7s7Yd_CLnDQcN2AUd9BTVNAYpiQzhrYe-0ebZ",
  y: "ayas3t8DV5UyPcY-HsC98QPq3-9wdt7YHmzY1-vTTt76josJqhIXTqsaCSUL3IxR",
  crv: "P-384",
};
const P521 = {
  kty: "EC",
  x: "AH5Fb9zau6RbKxxvKxCX465RX5APaJrB6VEwUSPI3R6HTCkWmhCvSBox-SPquTZs172n-Nq6Q4OZ5rWSBGubwcGc",
  y: "AHiNot-8084pcTtEpdF5HeH4mBf6-whcXWj8p8nNjoX8BIT87s8JsRLKxSVcBAnc_Os-DJJXQOzxvIstRFXYn0IG",
  crv: "P-521",
};
const ED25519 = { crv: "Ed25519", x: "OFm-1PPC5VAcrlwUt8EGswvPLpOK_9e16DshZg5ZVfw", kty: "OKP" };

/** A key and a signature over {@link KNOWN_MESSAGE} (base64url), per algorithm. */
export const KNOWN_ANSWERS: Readonly<
  Record<Algorithm, { jwk: Readonly<Record<string, string>>; signature: string }>
> = {
  RS256: {
    jwk: RSA,
    signature:
      "Yxh3wpSqTTrrvjL5d0H4TBh0EQnw9bmeLdWICa_TQGEP2iCRcSDmrxbtoipHgFpPwnNsu11qh5HIPgLqtiYcIfX9k6nwugJxXC07JjG2JFBwFZJHCpAW_tGaYq2w7LM-qj4So5aM2NDmAKflEDOhd8Fb8QZg8Q0qLQbjFW-gkhossxzK53tolmIaqMPrEnR4q3y-ZnzrAkacHhY0Iun_l2pc6tOwSfYdIQd1wAtyrN9RsfEtA2WAqfiD2HF8B_MQ-I2KTL1E0jsRA3kI0A1VrBfZKGVAH5VbGpzOC1oRIA5daM7zuHZ8Pkjc1U-yYZkIVBk6jKq1H1gCiEsZ3U51UA",
  },
  RS384: {
    jwk: RSA,
    signature:
      "f5r1E6NjS8B9hXZDSiDRORBXLNS8UaTtN_tkLh7MS1ah3_FXEEjZRkqOGhHSlWrrD8EN_4xOmNej_Eh7pr59QHB21F9E6eF59Bq-9k5ROF-dZH9ii9Hq4o98-4jHjv1gEeXlg9g4kTCn7CbUmCqcapRak9otWxv2p94qyozQCFJCEZeDsqvk7BzsNdyjbpjCN4g_XYr01JhdkzwwY4XfR7Y9TCgrHEWYdLGR5jFYKDmySBpGffA-yzN0VnhOM_0pLvvjlxiK-owHFacF9-WPi1TxsHgGT4dBK7Hn7kJrAVazPfS8aLdUjWpBpyLlys14AZ1FvG4SZHRyzydkqgZiRw",
  },
  RS512: {
    jwk: RSA,
    signature:
      "qThTo5qnyviDnUGH0hCWgwl9Ih0ODO2PknHEybmOrRh1H4U07g247Sij5zzuEuzA7Y3QJuR8n3IdC9Q_gvD2fu9ORUKlASrczGqzSO248QykjkEBv57PkKW0KFcaD8AbBuX8_hRtwPRxP54o-MbFjJAWBoMosgg5rhWF8svrOmD7CO-0NDW7vDds2Hj2JCy6WkOFuoRoDxkatd6CkLE1OOMm5dzZSinTrBKUby_9vSvn9nkjn9sMnMODsg6Tl0XeGnMv9KOhZmgFWyJO5drz06ZNynDFMlKHmaQu4klwtwvwK2NEnz0m80j41R_21rT3cYLBZyaVxvoymeAsl2z3bQ",
  },
  PS256: {
    jwk: RSA,
    signature:
      "D8Zs-G3GftKK6Dv7FV6Vul5B_qwxZRegI6n0bHv5JamVSJJLItcjd_nmInNDBAx1CsQaHCeYenSrqpi3DRM-Ngi-dDBc8tfH9Go7G13Am0ZaxgYfyBr7hprwdS8PsfZPa_p8zueZ9Oh9MTbJD07QyHQtwZoFDLKU9Uhdyy1qt74AmODaJVncbbsjUy15dmxSxv0-pC2adGjZTqs5FeyXgdF4RsPeZKzZddQKawP9Ua9y-emOZqt4fdnLWz3PyXhWf0H-aMh3MTqe3mVQUBXkcidoD3RhCYk5WONxEIk2wJeUQItJWUkuI7duekXU-62QKSX1RlwRRnZOdxipCBAKrg",
  },
  PS384: {
    jwk: RSA,
    signature:
      "Ksl9amDZ6w1oC0Wdx9vcwhbHIdd15pkAh2aTg1cz83JQ9GWhEqzMDyduvd7gyjxXCU0Q6Wjgw9CHluFjsArnrikSg32mqR2QQHak0SK4W2oxQtLe2CkaMiFfrgzpSVp-_mqZ1jOq7vytUMq5fQaF1OgjWtuqB3ltMRJiGMThb51HZPCdBC1nr1wz6ABq2qNPjOJEMuiF-yjiC329jlg9AcZtJQmOahIC3vSZgdcv0W157TEb7UnS5ZCwrphOOGyJdsTsgEu8jL29fQLsEZfBuG-gW7YDnkGpC3ky2xySInadpAh0UeUMAMVZtGxG2t2TUWwr8IF3xETo1V3SUH41yw",
  },
  PS512: {
    jwk: RSA,
    signature:
      "hK9XEj9uQnyHYI1eTZoeCvo_N2dffHEP5HkBeHkRGbt4gbKsTsCNN8V9Ol7r5MKw4tt_esag2DYGeIDtAG0y4EZTNvbz0zTKzJsq4Zt1AQ9ushWNJhvoDhuk5S2dL_zwhso8-R-9lhyDbWOv-cbf6Qmt-XdQ3-Sx3z6g4WlXLF_GDH-h2mxxTAYJNo00qiGLhucMbHYvgRzs9AtnGCc9Ot-Te8troap8yt1RMxU6iS4vzOz9DblRvkOUpOohXbjzKcuiQx2Pu3Myve9wAI7cYR807rzt427bW1Y3s6jaqF_bcxtspKW6qamHk2n1gKVx0JP7je89Fy0rDDl0ZiMpvA",
  },
  ES256: {
    jwk: P256,
    signature: "WPid1CZTuR3cCZD_U5muC-dcCsMsK6VUfVRfx2Zvx6vnFvemoQYyVAl1ajQ6OhL-kE09Y3U96az-wyGhDisNXA",
  },
  ES384: {
    jwk: P384,
    signature:
      "SJOcWT6ajJJviIzXapF_ENu_131pXk08aZSt9m6u8kNaWX0bwxFEefmZf3nK3xdC8jf_kTEXvfitmPVDdKRBcPIivP_MB4ZiKB4wEKKbgBajScldYnTEKjWlJSP-4QJl",
  },
  ES512: {
    jwk: P521,
    signature:
      "AGv_XcUehppn12ERZvokDgxVvl4W1cXlZEg-XB1jnw2INOXyw82uWxDCVR1iYsxertMYNw3fYvHI5DrfQ-VJhewfAX6x-3rtYeRfTc3C1TOvMI3pJSi0KUIJa65LxMDVkr4xLL4qTh-Gv7dNg-t6inyyiPEoaSVefgvzD9LhTZu-7CNe",
  },
  EdDSA: {
    jwk: ED25519,
    signature: "BJzIeYxmQxsf9MKWK6KChgebg33BDpLM1PZvUoefTCCyV3sMHDnrUBkURKEC0epPt7d70V2BJk8S3bXbmoknCw",
  },
  Ed25519: {
    jwk: ED25519,
    signature: "BJzIeYxmQxsf9MKWK6KChgebg33BDpLM1PZvUoefTCCyV3sMHDnrUBkURKEC0epPt7d70V2BJk8S3bXbmoknCw",
  },
};
