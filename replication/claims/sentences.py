"""Every sentence of the papers' results and discussion that states a finding, in the papers' order: each
either tested by the claims whose quote holds it, or untested for the reason given. report writes
results/CLAIMS.md from this inventory and the figures' jsons."""

# Why a finding sentence has no claim (one vocabulary, used below).
NOT_TESTED = {
    "no_data": "states something no figure of the paper shows and no measurement here gives",
    "other_work": "about other work or the literature, not a finding of the paper's own runs",
    "interpretation": "an interpretation or outlook with no measurable prediction",
    "not_yet": "testable with this project's runs but no claim tests it yet",
    "restated": "restates, sums up or derives a finding that claims test through another of the paper's sentences, listed here as tested",
    "identity": "true by definition: on ±1 strings of n bits, x·x_o = n − 2 × their Hamming distance",
    "abstract_only": "the 2023 paper is here only as its abstract: no figure, setting or data to test it against",
}

SENTENCES = {
    "nakazato2022": (
        # III Results
        ("The averaged response can be expressed with a simple linear kernel and its size.", "restated"),
        ("After the initial training phase, the size shows the power law like decay.", None),
        (
            r"We can summarize this response in the following, $\frac{\Delta(\bm{x}_{o},\bm{x}_{h})}{y_{o}-f(\bm{x}_{o})}\propto "
            r"e^{-\tau}K(\bm{x}_{o},\bm{x}_{h},e)$, where K is the response kernel.",
            "restated",
        ),
        ("The kernel is almost linear against the Hamming distance between the training input, $x_o$, and the affected one, $x_h$.", None),
        ("The slope varies along the training epoch, $e$, depending on the training distribution.", "restated"),
        ("If the training is non-biased, $p(0)=p(1)$, the kernel slope is gradually diminished along the training.", None),
        ("On the contrary, the slope is enhanced in the case of biased training, $p(0)/p(1)=1/4$.", None),
        ("We also tested the various conditions, shown in Fig. 2, and the results can be expressed with the same law.", None),
        ("We can confirm the same tendency in those results and the simple expression can be applied for the cases as well.", None),
        ("The aging, decay in the size of the response, shows clearer power law like behavior with ELU rather than Relu.", None),
        (
            "As a more complicated response, we show the results with the dropout effect for each convolutional layer, in Fig. 3(Srivastava et al., "
            "2014; Baldi and Sadowski., 2013; Li et al., 2016).",
            None,
        ),
        ("We should note the slopes of the response kernels are smaller than the cases without dropout.", None),
        (
            "Since the dropout has the effect of coarse graining, the specificity of the response kernels should be reduced and the results are "
            "reasonable.",
            "interpretation",
        ),
        ("We can confirm different aging along the Hamming distances between the inputs, $x_1$ and $x_2$.", None),
        (
            r"This means a training effect for the input, $\bm{x}_{1}$, is not restricted to the training response, $\Delta(\bm{x}_{1},\bm{x})$, but "
            r"also to others, like $\Delta(\bm{x}_{2},\bm{x})$, depending on the distance between the inputs.",
            "restated",
        ),
        (
            "If the distance between the points is small, the agings are enhanced with each other, but the enhancement is very limited in the "
            "distant case.",
            None,
        ),
        (
            r"This shows the training with an input, $\bm{x}_{1}$, has a strong effect on the points around that, not only in the prediction, "
            r"$f(\bm{x}_{2})$, but also in the training response, $\Delta(\bm{x}_{2},\bm{x})$, as well.",
            "restated",
        ),
        ("On the other hand, the interaction effect is very limited if the points are distant enough.", "restated"),
        (
            "The short term learning dynamics of the prediction can be written in the following, "
            r"$\frac{df_{i}}{de}\propto\sum_{g_{0}}(0-f_{j})\Delta(\bm{x}_{j},\bm{x}_{i})+\sum_{g_{1}}(1-f_{j})\Delta(\bm{x}_{j},\bm{x}_{i})$.",
            "restated",
        ),
        (
            "We can simplify it with the mean-field approximation under the sparse condition, "
            r"$\frac{df_{i}}{de}\propto-f_{0}\rho_{0}+(1-f_{1})\rho_{1}$, where the mean-field densities, $\rho_{0}$ and $\rho_{1}$, and averaged "
            "predictions, $f_{0}$ and $f_{1}$, are used.",
            "restated",
        ),
        (
            "The responses would have non-linear interaction with each other in the dense condition, but we can treat it as just the linear "
            "summation in this case.",
            "no_data",
        ),
        (
            "The aging effect is ignored in the case of short-term mean-field dynamics, but the equation is not so different except for the time "
            "and spatial scale of the dynamics even in the case requiring the original equation.",
            "not_yet",
        ),
        (r"The mean-field model means the dynamics is determined just along the ratio between the densities, $\rho_{0}$ and $\rho_{1}$.", "restated"),
        ("The loss of majority decreases in the first and the other one decreases later.", "restated"),
        ("As we can confirm, all of the lines can be divided into two phases.", "restated"),
        ("In the first, all of them go to to the majority side and then the minorities turn its direction into the other side.", None),
        ("In other words, the dynamics is determined just along the ratio, $ρ_0/ρ_1$.", None),
        ("Since the encoding majority is 0, all curves show a decrease at the first.", None),
        ("In the second, the minor encoding group, $g_1$, turns its direction, but the last group, $g_2$, is accompanied with the movement.", None),
        ("This is because the group $g_{1}$ is the majority in the localized groups.", "no_data"),
        (
            "Finally, after some epochs, the last one, $g_2$, gets released from the group, $g_1$, because the loss of the group, $g_1$, is reduced "
            "enough and the training response, $Δ(x_1, x_2)$, is diminished as well.",
            None,
        ),
        ("In sum, the input space is classified as the same one at the first and the space is split into two classes in the second.", None),
        ("The newly split class is split again along its encoding finally.", None),
        # IV Discussion
        ("As a model network, we studied a very simple convolutional neural network and found a training response law.", "restated"),
        ("That consists of a power law like decay and the response kernel.", "restated"),
        ("This gives NTK a simple form.", "interpretation"),
        ("It tells us the training dynamics with the finite sized network.", "interpretation"),
        ("Since our model network is very simple, the response kernel is very simple linear one.", "restated"),
        ("However, the kernel can have a more complicated non-linear form, if the network architecture is more sophisticated.", "not_yet"),
        ("It shows broader peak around the input, $x_o$.", None),
        ("We believe the response kernel analysis is effective for more complicated networks, in the similar way.", "interpretation"),
        ("We know NTK can be analytically solved with the central limit theorem, if each layer has infinite units (Lee et al., 2019).", "other_work"),
        ("It has no dependence on its dynamic state.", "other_work"),
        ("On the contrary, we can confirm aging in its dynamics, but the form is still kept simple, in our cases.", "restated"),
        (
            "Since our network is finite one, the parameter fluctuates toward the area with less training response, driven by kinesis (Kendeigh., "
            "1961).",
            "no_data",
        ),
        (
            "The shape of response kernel is very similar with NTK of infinite linear network, but it shows some dependence on the dynamics.",
            "restated",
        ),
        ("In the short term, we can derive much simpler dynamical model with mean-field approximation.", "restated"),
        ("We can easily understand how the network learns with our simple situation, RBE.", "interpretation"),
        ("Initially the whole input space is encoded into the majority.", "restated"),
        ("After the initial encoding, minority clusters turn over its encoding.", "restated"),
        ("In other words, the input space is roughly split into the majority and minorities.", "restated"),
        ("This type of space split can happen in an iterated manner.", "restated"),
        ("Finally, we get to an optimal split, if the network has enough degree of freedom.", "restated"),
        ("Our view tells us how deep neural networks can get to generalized and non-overfit solutions.", "interpretation"),
        ("The training response shows the implicit effect.", "interpretation"),
        (
            "Since the training is usually done with a lot of training data points, the generalization can be seen as a result of the competition "
            "between the training responses of them.",
            "interpretation",
        ),
        (
            "As we noticed, the dynamics is similar with that of kernel machines (Shawe-Taylor and Cristianini., 2004; Koutroumbas and "
            "Theodoridis., 2008; Hofmann et al., 2007).",
            "interpretation",
        ),
        ("Since this network is very simple linear one, the response kernel would be a linear one, as we shown.", "interpretation"),
        ("In the kernel machine, we need sophisticated design of the kernel similarity, therefore.", "interpretation"),
        ("On the other hand, in the case of deep neural networks, we do not need such a sophisticated kernel design.", "interpretation"),
        ("Instead, the network architecture would realize it as a response kernel and the training dynamics.", "interpretation"),
        ("As we shown, the dynamics is not so complex, if we can ignore the aging or interaction of the kernels.", "restated"),
        ("However, it may be much more complex, if those effects cannot be ignored.", "no_data"),
        ("Especially, the aging of the response size shows a clear power law.", None),
        ("However, it was hard to confirm the convergence of the response kernels.", "restated"),
        ("In this deterministic case, the aging exponent is larger than non-deterministic ones.", None),
        ("The kernels seem to be divergent as the training proceeds.", "restated"),
        ("The diverged kernel would have no significant effects on the dynamics therefore.", "interpretation"),
        ("Rather, the dynamics would be determined with mainly non-diverged one.", "interpretation"),
        ("We studied a simple problem, RBE, but the same results can be observed in a real problem.", "restated"),
        ("We can confirm both the power law decay and the distance dependent response kernel.", "restated"),
        ("The kernel is not so clear linear one but monotonically decreasing one.", None),
        ("To be noted, we can observe some isolated responses at the same time.", None),
        ("This suggests a chaotic phase depending on the initial condition(Seleznova and Kutyniok, 2021, 2022).", "interpretation"),
        ("On the contrary, the aging seems to be more stable, but we need more tests to have a clear conclusion.", "not_yet"),
        ("However, we unexpectedly found the aging process instead of the equilibrium.", "restated"),
        ("As we discussed, the training dynamics should be directed to zero-response state against the training stimuli.", "interpretation"),
        ("That is because the residence time should be maximized under such a stochastic dynamics.", "interpretation"),
        (
            "We guess the network is redundant enough to realize not only the input output relation, but also such a no response state.",
            "interpretation",
        ),
        (
            "As we know, such a complex system often has a very simple description in spite of the complexity in its appearance (Bar-yam., 1999; "
            "Newman., 2011).",
            "other_work",
        ),
        ("As one more example of compex system, we found the simple law in the neural network.", "restated"),
        ("This type of simplicity suggests the universality of the mechanism in the variety of complex phenomena.", "interpretation"),
        (
            "We may find the same type of algorithmic aging in the nervous system or complex dynamical networks in general (Haken, 1988).",
            "interpretation",
        ),
        (
            "As other studies on complex systems, the algorithmic matters should be fruitful subjects to promote understanding of complexity in "
            "general (Schneider and Kirkpatrick., 2006).",
            "interpretation",
        ),
        # Appendix (Fig. 7, deterministic encoding; Figs. 8-9, MNIST). The one caption sentence here is the one a claim quotes.
        ("In the size, we can confirm the power law, but the kernels do not show convergence.", "restated"),
        (
            "Since the network has the sigmoid function as the activation function for the output, convergence in the output does not mean that of "
            "network parameters.",
            "not_yet",
        ),
        ("This result suggests the fragility of the response kernel and the prediction in the end.", "interpretation"),
        ("The kernels, in (B) and (D), are not converged, but diverged along the training epochs.", None),
        ("In the FIG. 8, the aging is shown and we can observe a power law decay.", None),
    ),
    "nakazato2024": (
        # III A. a simple theory of the training response
        ("The same results can be confirmed even if we change the initial condition and the training point.", "not_yet"),
        ("In both of them, we can confirm a power law in the decay of training responses.", None),
        ("The response kernels show decreasing tendency against the distance between the training point, $x_o$, and the other, $x$.", None),
        ("However, the tendency changes along the training epochs.", None),
        ("The peak gradually shifts away from the point, $x_o$.", None),
        ("We can confirm the same power law in both of them, FIG. 1 and 2.", None),
        ("However, the response kernels are somehow different.", "restated"),
        ("That of ReLU is positive but that of ELU is not necessarily positive.", None),
        ("In addition, S curves emerge in the case of ELU but not in ReLU.", None),
        ("The aging curves are decreasing again, but those do not show a so clear power law, in both cases with ReLU and ELU.", None),
        ("In addition the decreasing slopes are different from the former cases, FIG. 1 and 2.", None),
        ("The response kernels are not so variable in comparison to the former ones.", None),
        ("We can confirm positive kernels for the case with ReLU but not with ELU, again.", None),
        ("Different from the others, FIG. 1, 2 and 3, we can observe much faster decay in the training responses and convergence therefore.", None),
        ("These results suggest the training response laws are dependent on the problem set.", "restated"),
        (
            r"Therefore, we can write the training response, $\frac{\partial y}{y_o - y} \propto \sigma' \sigma'_o (\sum (F_{io} F_i + a_i^2 "
            r"(\boldsymbol{x} \cdot \boldsymbol{x}_o + 1)) + 1)$.",
            None,
        ),
        (
            r"If we can assume the parameters are almost constant anymore in training, the equation can be simplified more, $\frac{\delta y}{y_o - "
            r"y} = \sigma' \sigma'_o (\sum C_0 + C_1 \boldsymbol{x} \cdot \boldsymbol{x}_o + C_2)$, where we rewrite it with the constants, $C_0$, "
            "$C_1$ and $C_2$.",
            "restated",
        ),
        (
            "After enough training, the gradient of the activation, σ'_o , is very small but the other is still larger than that, in other "
            r"words, $\sigma'_o \sigma'_o < \sigma' \sigma'_o$.",
            None,
        ),
        ("That is why we observe the shift of peaks in the response kernels, in FIG. 1 and 2.", None),
        (r"Furthermore, the term, $\boldsymbol{x} \cdot \boldsymbol{x}_o$, decreases along the increase of the distance between them.", "identity"),
        (r"The dot product can be negative, specifically when $\boldsymbol{x} \sim -\boldsymbol{x}_o$.", None),
        ("However, such a negative response can be cancelled when we use the positive activation, ReLU.", None),
        (
            r"Since the aging is the training response at the point, $\boldsymbol{x}_o$, we can write down it in a simpler form, $\frac{\delta "
            r"y}{y_o - y} = C\sigma'(x)^2$ $\delta x = \eta (y_o - y) \sigma'(x)$, where the term, $C$, is a constant.",
            None,
        ),
        ("We can show this system generates a power law-like behavior in a wide condition on the parameters and the activation function.", None),
        ("However, the aging shows much faster decay to the constant response when the target value, $y_o$, is not a binary one.", None),
        (
            "This means the aging curves are dependent on a relation between the activation function and the target value, in other words, problem "
            "type, shown in FIG.5.",
            "restated",
        ),
        # III B. feature space reduction
        (
            "In the case of random training, in FIG. 3, the prediction, $f(x_o)$, can not converge into a binary value but we have an expected "
            "value, $0 < E(y_i) < 1$.",
            None,
        ),
        (
            r"Since the activation function, $\sigma$, is not flat in such a region, we cannot expect a power law decay with the described "
            "mechanism.",
            "not_yet",
        ),
        ("However, we can confirm continuous aging, in FIG. 3, different from the regression patterns, in FIG. 4.", None),
        ("We can confirm the reduction of feature space.", None),
        ("On the contrary, we can show the increasing curves in training without noise.", None),
        (
            "Since the activation functions, ReLU and ELU, have an almost gradientless region, features can be irreversibly lost in the course of "
            "training.",
            None,
        ),
        ("This results in the reduction of feature space and aging, therefore.", "not_yet"),
        ("We can show the feature space reduction more clearly with random training.", "restated"),
        ("We can show the feature space is lost by such random training, on the left of FIG. 7.", None),
        ("As we can confirm, the model learns a delta function, $δ(x − x_o)$, finally.", None),
        ("Almost all features are lost, except for ones which have a specific sensitivity against the input, $x_o$.", None),
        # IV Discussion
        ("Among them, an unsupervised neural network, the Boltzmann machine, is a stochastic spin-glass[22, 23].", "other_work"),
        (
            "On the contrary, deep neural networks are usually defined as supervised training literature and are not so similar to the Ising model.",
            "other_work",
        ),
        ("However, its complex behavior has been suggested [13, 15, 24, 25].", "other_work"),
        (
            r"Deep networks can memorize complicated relations in the dataset, $\mathcal{D} \equiv \{(x_i, y_i)\}$, and predict for any input, $y = "
            "f(x)$, in a high precision.",
            "other_work",
        ),
        (
            r"This feature is known as a generalization but it is often fragile, $f(\mathbf{x}) \neq f(\mathbf{x} + \boldsymbol{\delta})[24, 25]$.",
            "other_work",
        ),
        ("As we can see in the training ansatz, (11), such a discontinuity in the output is not so natural.", "interpretation"),
        ("However, deep networks often show such fragility against input perturbation.", "other_work"),
        ("In addition, training dynamics is not so straightforward and often not easily reproducible, as we know.", "other_work"),
        ("This means its convergence depends on a learning rate and landscape complexity [26, 27].", "other_work"),
        (
            "On the other hand, it is known that training dynamics can be described with the training response in a simple form in some cases [11, "
            "12, 15].",
            "other_work",
        ),
        ("The training response can be written in a simple ansatz, (11), consisting of aging term and the response kernel[15].", "other_work"),
        ("Our model, (4) and (5), is enough to reproduce the ansatz, shown in FIG. 1 and 2.", "restated"),
        ("However, the response kernel gradually varies its shape along training epochs.", "restated"),
        (
            "As we have shown, the training response of our model can be simply expressed in an equation, (20), which explains the variation of the "
            "response kernel, as we wrote in the previous section.",
            None,
        ),
        ("The evolution of aging can be written in a system, (21) and (22), in the same way.", "not_yet"),
        ("As we have shown, it reproduces the behaviors of aging, in FIG. 5.", None),
        (
            r"The training response is almost decreasing by the term, $\boldsymbol{x} \cdot \boldsymbol{x}_o$, in our model but it can change its "
            "form depending on the activation function.",
            "not_yet",
        ),
        ("In addition, the feature of aging also depends on the shape of the activation function.", "restated"),
        ("Specifically, if the target value is not in the flat region in the function, we cannot observe power law-like behavior.", "restated"),
        ("In other words, the power law does not require an infinity limit in its size.", "restated"),
        ("Instead, a very simple network is enough for the understanding.", "interpretation"),
        (
            "Our findings suggest more complex neural networks can be reduced into our simple model, if our interest is the training response.",
            "interpretation",
        ),
        ("Furthermore, we found one more mechanism behind aging.", "not_yet"),
        ("The features can be lost by random training, in FIG. 6 and 7.", "restated"),
        ("As we commented, the training response can be reduced by such a loss of features.", "not_yet"),
        ("As specific cases, we can show a response-less network and delta function network by random training, in FIG. 7.", None),
        (
            "As we notice, the delta function means not generalized but fragile prediction, which can be changed in a discontinuous manner for the "
            "perturbed inputs.",
            "interpretation",
        ),
        ("In a more complicated network, we can have response-less neurons here and there for some reasons.", "no_data"),
        (
            "The sensitivity of the neurons can be lost by accident, in other words, the stochastic nature of training or initial parameters.",
            "not_yet",
        ),
        (
            "Even if we cannot observe such a discontinuous prediction within the training dataset, irregular responses of neurons can be activated "
            "for unknown inputs.",
            "no_data",
        ),
        (
            "In fact, it is consistent with the report, which says smoothed activation functions can be effective to enhance adversarial "
            "robustness^[28].",
            "other_work",
        ),
        ("Our theory gives an explanation for such an improvement.", "interpretation"),
        ("Our theory explains how the training response changes along the situations.", "interpretation"),
        ("It is reported that NTK can be constant in a limit[11, 12].", "other_work"),
        ("There, NTK can be derived with many hidden units and linearization.", "other_work"),
        ("Needless to say, our derivation is consistent with the findings.", "interpretation"),
        (
            "Our expression fills the gap between the constant NTK and the ansatz for the training response in a non-linear regime [15].",
            "interpretation",
        ),
        (
            r"The response kernel shows the interpretation, $K(\boldsymbol{x}_o, \boldsymbol{x})$, of the training data, $(\boldsymbol{x}_o, y_o)$, "
            "in the training effect.",
            "interpretation",
        ),
        (
            "As the kernel shows, the network output is optimized not only for the point, $x_o$, but also for the other, $x$, along with the "
            r"weight, $K(\boldsymbol{x}_o, \boldsymbol{x})$.",
            "interpretation",
        ),
        ("This is the mechanism behind generalization.", "interpretation"),
        ("However, as our theory shows, features or neurons are divided into two groups, active or not to the point, $x_{o}$.", "not_yet"),
        ("This feature of nonlinear function can enhance the flexibility of the network for better or worse.", "interpretation"),
        ("We found the activity can be varied as a mechanism of aging.", "not_yet"),
        ("This suggests the model complexity is reduced through aging.", "interpretation"),
        ("In other words, over-fitting may be reduced by the inactivation of neurons.", "interpretation"),
        (
            "However, it is not easy to control the inactivation because that is effectively irreversible and results in nonequilibrium dynamics.",
            "interpretation",
        ),
        (
            "Since the neural networks can be irreversibly damaged by random training, the consistency of the dataset is necessary for maintenance.",
            "interpretation",
        ),
        ("If we have multiple data point in training, the response consists of the sum of them.", "no_data"),
        (
            "Given the network can be reduced into our simple one, (4) and (5), the total response can be understood as the weighted average with "
            "the weight, $y_i - y$.",
            "interpretation",
        ),
        ("If the weights are significantly different, the aging would not be so straightforward.", "no_data"),
        (
            "However, the short-term training dynamics in earlier stage can be understood enough with the description of training response and our "
            "theory.",
            "interpretation",
        ),
        ("Our toy model approach assures the reproduction of the macroscopic law of training response.", "restated"),
        ("This suggests the toy model is enough for understanding even more complicated networks, as we mentioned.", "interpretation"),
        ("In general, deep neural networks are useful for cases with large datasets.", "other_work"),
        (
            r"As our model shows in the response kernel, (20), the networks tend to output similar predictions for any inputs, $\boldsymbol{x} \sim "
            r"\boldsymbol{x}_i$, along the kernel.",
            "not_yet",
        ),
        ("Needless to say, we need a more dense dataset if we assume a complicated structure in the data space.", "interpretation"),
        ("In addition, we need much more training epochs for higher accuracy in such a case, as shown in reports[15, 29].", "other_work"),
        ("However, it is not so easy and requires some modifications[32].", "other_work"),
        ("Specifically, it fails when the network is highly heterogeneous.", "other_work"),
        (
            "The training response, (20), seemingly does not have the source of heterogeneity but we can have lost features by the nonlinearity of "
            "the activation function.",
            "interpretation",
        ),
        ("In fact, the response can be heterogenous, because of the nonlinearity, when we have multiple training inputs.", "no_data"),
        ("We know the network skeleton is often effective to understand the complex networks[33].", "other_work"),
        ("In fact, the existence of the network skeleton has been discussed and the subnetwork may be easy to be optimized[34, 35].", "other_work"),
        ("However, the precision can be kept in some ways[37].", "other_work"),
        ("In our model, some of the features can be removed without loss of precision.", "not_yet"),
        ("This suggests we have good initial conditions suited for the reduced model, known as the lottery ticket hypothesis.", "interpretation"),
        ("We can derive the critical capacity in a simple perceptron[38–40].", "other_work"),
        (
            "We know training dynamics based on the ansatz, (11), is not straightforward depending on the complexity of the data structure[15].",
            "other_work",
        ),
        (
            "On the other hand, as an empirical law, we know simple scaling rules on those values can be applied for very large networks[29].",
            "other_work",
        ),
        ("As we know, a power law suggests a universal underlining mechanism, which can be explained in a very simple model.", "interpretation"),
        ("A famous powerlaw mechanism is preferential attachment, which realizes the power law in its degree distribution[42].", "other_work"),
        ("Actually, such a power law distribution can be observed in artificial neural networks[43].", "other_work"),
        (
            "Needless to say, we believe statistical and dynamical analysis for very simple toy models must be effective, like other fields of "
            "complex systems.",
            "interpretation",
        ),
    ),
    "nakazato2023": (
        # The kernel-balanced equation paper: its abstract only (nakazato-author-abstracts.txt).
        ("The degree of generalization is a realization of the proximity scale in the data space.", "abstract_only"),
        ("We show the estimation is unstable and the instability depends on the data density and training duration.", "abstract_only"),
        ("We derive the kernel-balanced equation, which gives a short phenomenological description of the solution.", "abstract_only"),
        ("The equation tells us the reason for the instability and the mechanism of the scale.", "abstract_only"),
        (
            "The network outputs a local average of the dataset as a prediction and the scale of averaging is determined along the equation.",
            "abstract_only",
        ),
        ("The scale gradually decreases along training and finally results in instability in our case.", "abstract_only"),
    ),
}
