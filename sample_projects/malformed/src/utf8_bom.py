SEED = 7
print('bom and crlf')
